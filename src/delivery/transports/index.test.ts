/**
 * The transport registry: each transport's variables are documented, its
 * secrets collected, its options read from the environment (refusing what is
 * missing), and the transport made from them by name.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EnewsError } from '../../errors.js';
import { configureTransport, createTransport, transportSecrets, transportVariables } from './index.js';

const settings = { dir: null, timeoutMs: 1000, dataTimeoutMs: 1000, insecureTls: false, senderDomain: null };

describe('the transport registry', () => {
  it("documents every variable a transport reads in the README's Configuration section", () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Content files'));
    const variables = Object.values(transportVariables()).flatMap((v) => Object.keys(v));
    expect(variables).toEqual(expect.arrayContaining(['SMTP_URL', 'DKIM_DOMAIN']));
    for (const name of variables) expect(section, name).toMatch(new RegExp(`^${name}=`, 'm'));
  });

  it("collects the SMTP transport's secrets: SMTP_URL as set and trimmed, its password as written and decoded", () => {
    const url = 'smtp://enews:pw%40x@mail.example.org:587';
    expect(new Set(transportSecrets({ SMTP_URL: ` ${url}`, SMTP_PASSWORD: 'other-pw' }))).toEqual(
      new Set([url, ` ${url}`, 'pw%40x', 'pw@x', 'other-pw']),
    );
    expect(transportSecrets({ SMTP_URL: 'not a url' })).toEqual(['not a url']);
    expect(transportSecrets({ UNSUBSCRIBE_SECRET: 's', DKIM_DOMAIN: 'example.org' })).toEqual([]);
  });

  it('refuses a missing SMTP_URL while configuring, with the message send prints', () => {
    const err = (() => {
      try {
        configureTransport('smtp', {});
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(EnewsError);
    expect(err).toMatchObject({
      code: 'smtp-url-missing',
      message: 'SMTP_URL is not set, so enews does not know which server to send through.',
    });
    // A dry run needs no server.
    expect(configureTransport('file', {})).toEqual({ name: 'file', options: { dkim: null } });
  });

  it('makes the configured transport by its name, without contacting anyone', async () => {
    const smtp = await createTransport(configureTransport('smtp', { SMTP_URL: 'smtp://u:p@127.0.0.1:9' }), settings);
    expect([smtp.name, smtp.target]).toEqual(['smtp', '127.0.0.1:9']);
    await smtp.close();
    const file = await createTransport(configureTransport('file', {}), { ...settings, dir: '/tmp/enews-out' });
    expect([file.name, file.target]).toEqual(['file', '/tmp/enews-out']);
  });
});
