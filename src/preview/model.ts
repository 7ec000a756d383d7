/**
 * What the review page shows for one pick of the subscriber list, as plain
 * data: the server turns it into JSON and the page into DOM. Kept apart from
 * HTTP so it reads like the page does.
 */
import type { PreparedIssue, PreparedLanguage } from '../build/prepare-issue.js';
import { languageChoices, warningLines } from '../build/review-model.js';
import { matchLanguage } from '../content/languages.js';
import type { HeaderLine } from '../mime/read-headers.js';
import { approvalStateOf } from '../approval/gate.js';
import type { ApprovalState } from '../approval/evaluate.js';
import { approvalLine, missingLines, policyText, shortHash } from '../approval/words.js';
import { EnewsError, formatError } from '../errors.js';
import { relativizerFrom } from '../project/root.js';
import { messageFor, samplePicker, type PickerEntry, type PickerList, type PreviewMessage } from './recipients.js';
import type { RenderState } from './watch.js';

export interface PreviewSettings {
  number: number;
  /** Rows of --subscribers; null means the newsletter's sample recipients. */
  picker: PickerList | null;
  /** UNSUBSCRIBE_SECRET, so the links carry the real token; null shows links without one. */
  secret: string | null;
  /** The project folder: files are named relative to it on the page. */
  root: string;
}

export interface PageModel {
  issue: number;
  version: number;
  updatedAt: string;
  /** Formatted problems of the current files; null when they build. */
  error: string | null;
  /** False until some version of the files has built. */
  ready: boolean;
  subject: string | null;
  recipients: Array<{ id: string; label: string }>;
  recipientsNote: string;
  recipient: string | null;
  /** The issue's languages (one: the switch is hidden), and the one shown. */
  languages: Array<{ code: string; label: string }>;
  language: string | null;
  headers: HeaderLine[];
  warnings: string[];
  notices: string[];
  text: string;
  htmlUrl: string | null;
  emlUrl: string | null;
  /** The public web version (web.html), the fourth view. */
  webUrl: string | null;
  /** Who approved which build, and what is missing, when newsletter.yaml asks for approvals or someone gave one. */
  approvals: string[];
}

export function pickerFor(settings: PreviewSettings, state: RenderState): PickerList {
  if (settings.picker) return settings.picker;
  return state.prepared ? samplePicker(state.prepared.languages[0]!.newsletter) : { entries: [], note: '' };
}

/** The entry for `id`; no id means the first. Unknown ids give undefined. */
export function findEntry(picker: PickerList, id: string | null): PickerEntry | undefined {
  return id === null || id === '' ? picker.entries[0] : picker.entries.find((e) => e.id === id);
}

/**
 * The language to show: the one asked for (the page's switch, `l`), else the picked subscriber's
 * (their language column, `fr-CH` matching `fr`), else the default, as `enews send` will choose.
 */
export function languageOf(
  p: PreparedIssue,
  requested: string | null,
  entry: PickerEntry | undefined,
): PreparedLanguage {
  const codes = p.languages.map((l) => l.language);
  const code =
    (requested ? matchLanguage(requested, codes) : null) ??
    (entry?.language ? matchLanguage(entry.language, codes) : null);
  return p.languages.find((l) => l.language === code) ?? p.languages[0]!;
}

export function pageModel(
  settings: PreviewSettings,
  state: RenderState,
  requested: string | null,
  requestedLanguage: string | null = null,
): PageModel {
  const picker = pickerFor(settings, state);
  // A stale id (the list changed under the page) falls back to the first subscriber rather than an empty page.
  const entry = findEntry(picker, requested) ?? picker.entries[0];
  const p = state.prepared;
  const lang = p ? languageOf(p, requestedLanguage, entry) : null;
  const message: PreviewMessage | null =
    p && lang && entry ? messageFor(p, lang, entry.recipient, settings.secret) : null;
  const l = lang && p && p.languages.length > 1 ? `&l=${encodeURIComponent(lang.language)}` : '';
  const q = entry ? `r=${encodeURIComponent(entry.id)}${l}` : '';
  return {
    issue: settings.number,
    version: state.version,
    updatedAt: state.at.toISOString(),
    error: state.error,
    ready: message !== null,
    subject: lang?.rendered.subject ?? null,
    recipients: picker.entries.map((e) => ({ id: e.id, label: e.label })),
    recipientsNote: picker.note,
    recipient: entry?.id ?? null,
    languages: p ? languageChoices(p) : [],
    language: lang?.language ?? null,
    headers: message?.headers ?? [],
    warnings: p ? warningLines(p, settings.root) : [],
    notices: p ? notices(settings, p.languages[0]!.newsletter.unsubscribe.url) : [],
    text: message?.text ?? '',
    htmlUrl: message ? `/email.html?${q}&v=${state.version}` : null,
    emlUrl: message ? `/message.eml?${q}` : null,
    webUrl: p ? `/web.html?v=${state.version}${l}` : null,
    approvals: p ? approvalLines(settings, p) : [],
  };
}

/** The approvals weighed against what the page shows: the render of the files as they are now. */
function approvalLines(settings: PreviewSettings, p: PreparedIssue): string[] {
  const newsletter = p.languages[0]!.newsletter;
  let state: ApprovalState;
  try {
    state = approvalStateOf(settings.root, settings.number, newsletter, {
      hash: p.inputsHash,
      languages: p.languages.map((l) => l.language),
    });
  } catch (err) {
    if (!(err instanceof EnewsError)) throw err;
    return [relativizerFrom(settings.root, settings.root)(formatError(err))];
  }
  if (!state.policy && state.current.length + state.stale.length === 0) return [];
  const missing = missingLines(state);
  return [
    `What you see is build ${shortHash(state.build)}; ${policyText(state)}.`,
    ...[...state.current, ...state.stale].map((a) => approvalLine(a, state)),
    ...(state.policy && missing.length === 0 ? ['Complete: this build has the approvals it needs.'] : []),
    ...missing.map((m) => `Missing: ${m}`),
  ];
}

function notices(settings: PreviewSettings, unsubscribeUrl: string | undefined): string[] {
  if (unsubscribeUrl && !settings.secret) {
    return [
      'UNSUBSCRIBE_SECRET is not set, so the unsubscribe links shown here ' +
        'have no token. enews send adds it (and refuses to send without it).',
    ];
  }
  return [];
}
