import { describe, expect, it } from 'vitest';
import { parseNamedAddress, type NamedAddress } from '../util/named-address.js';
import type { Approval } from './approvals-file.js';
import { approvalPolicy, evaluateApprovals } from './evaluate.js';
import { missingLines } from './words.js';

const BUILD = 'a'.repeat(64);
const OLD = 'b'.repeat(64);
const LANGUAGES = ['en', 'fr', 'es'];

function who(text: string): NamedAddress {
  return parseNamedAddress(text) as NamedAddress;
}

function approval(by: string, languages = LANGUAGES, build = BUILD): Approval {
  return { by: who(by), build, at: '2026-12-07T10:00:00Z', languages, note: null, location: { file: 'x', line: 1 } };
}

const build = { hash: BUILD, languages: LANGUAGES };

describe('evaluateApprovals', () => {
  it('without a policy is complete, and still tells current approvals from stale ones', () => {
    const s = evaluateApprovals(null, [approval('A <a@x.org>'), approval('B <b@x.org>', LANGUAGES, OLD)], build);
    expect(s.complete).toBe(true);
    expect(s.current.map((a) => a.by.address)).toEqual(['a@x.org']);
    expect(s.stale.map((a) => a.by.address)).toEqual(['b@x.org']);
  });

  it('required: N counts different people per language; one person approving twice counts once', () => {
    const policy = approvalPolicy({ required: 2 });
    const s = evaluateApprovals(
      policy,
      [approval('A <a@x.org>'), approval('Again <A@X.org>'), approval('C <c@x.org>', ['fr'])],
      build,
    );
    expect(s.missing).toEqual([
      { kind: 'count', language: 'en', have: 1, need: 2 },
      { kind: 'count', language: 'es', have: 1, need: 2 },
    ]);
    expect(missingLines(s)).toEqual([
      'English (en): 1 more approval (1 of 2)',
      'Spanish (es): 1 more approval (1 of 2)',
    ]);
    expect(s.complete).toBe(false);
  });

  it('an approval of another build never counts', () => {
    const s = evaluateApprovals(approvalPolicy({ required: 1 }), [approval('A <a@x.org>', LANGUAGES, OLD)], build);
    expect(s.current).toEqual([]);
    expect(s.stale).toHaveLength(1);
    expect(missingLines(s)).toEqual(['Every language: 1 more approval (0 of 1)']);
  });

  it('named approvers must each approve their language; their address decides, not how the name is spelled', () => {
    const policy = approvalPolicy({
      approvers: { fr: ['Marie Dupont <marie@x.org>', 'Paul <paul@x.org>'], es: ['Ana <ana@x.org>'] },
    });
    const s = evaluateApprovals(
      policy,
      [approval('M. Dupont <MARIE@x.org>', ['fr']), approval('Ana <ana@x.org>', ['en'])],
      build,
    );
    expect(s.missing).toEqual([
      { kind: 'person', language: 'fr', person: who('Paul <paul@x.org>') },
      { kind: 'person', language: 'es', person: who('Ana <ana@x.org>') },
    ]);
    expect(missingLines(s)).toEqual([
      'Paul <paul@x.org> has not approved French (fr)',
      'Ana <ana@x.org> has not approved Spanish (es)',
    ]);
    const done = evaluateApprovals(
      policy,
      [...s.current, approval('Paul <paul@x.org>'), approval('Ana <ana@x.org>', ['es'])],
      build,
    );
    expect(done.complete).toBe(true);
  });

  it('required and named approvers together: the named ones count among the people', () => {
    const policy = approvalPolicy({ required: 2, approvers: { fr: ['Marie <marie@x.org>'] } });
    const s = evaluateApprovals(
      policy,
      [approval('Head <head@x.org>'), approval('Marie <marie@x.org>', ['fr'])],
      build,
    );
    expect(missingLines(s)).toEqual([
      'English (en): 1 more approval (1 of 2)',
      'Spanish (es): 1 more approval (1 of 2)',
    ]);
  });
});
