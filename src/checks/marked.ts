/**
 * The email rendered from templates that carry markers (source-map.ts), filled for the sample subscriber: what
 * the checks trace a finding to its template line with, and what --axe runs on. Its own module, light, so that
 * a build asks for every language's marked render with the others, before the checks' libraries load
 * (in build, MJML runs in its worker thread meanwhile).
 */
import { locate } from '../content/yaml-file.js';
import type { Location } from '../errors.js';
import { renderHtml } from '../render/render-issue.js';
import { escapeHtml, fillSlots } from '../render/slots.js';
import type { TemplateSet } from '../render/templates.js';
import type { ViewModel } from '../render/view-model.js';
import type { CheckInput } from './context.js';
import { markHtml, markTemplates } from './source-map.js';

export interface MarkedEmail {
  html: string;
  /** Marker n is at sites[n]: a template line, or the issue's intro. */
  sites: Location[];
}

export type MarkedInput = Pick<CheckInput, 'newsletter' | 'loaded' | 'templates'> & { view: ViewModel };

/** One language's email with its markers. */
export async function renderMarked(input: MarkedInput): Promise<MarkedEmail> {
  const shared = markedTemplates(input.templates);
  // Each language adds its own intro's place; the marked templates themselves are shared.
  const sites = [...shared.sites];
  const intro = sites.push(locate(input.loaded.src, ['intro'])) - 1;
  const view: ViewModel = {
    ...input.view,
    issue: { ...input.view.issue, intro_html: markHtml(input.view.issue.intro_html, intro) },
  };
  return { html: fillSlots(await renderHtml(view, shared.templates), sampleSlots(input), escapeHtml), sites };
}

/** The templates with their markers, made once per loaded set: every language of a build renders them. */
const marks = new WeakMap<TemplateSet, ReturnType<typeof markTemplates>>();
function markedTemplates(set: TemplateSet): ReturnType<typeof markTemplates> {
  let m = marks.get(set);
  if (!m) {
    m = markTemplates(set);
    marks.set(set, m);
  }
  return m;
}

/** Roughly the sample's values: the marked render only needs text of the right kind in each slot. */
function sampleSlots(input: Pick<CheckInput, 'newsletter'>): (name: string) => string {
  const { sample_recipient, unsubscribe } = input.newsletter;
  return (name) =>
    name === 'name'
      ? sample_recipient.name
      : name === 'email'
        ? sample_recipient.email
        : name === 'unsubscribe_url'
          ? (unsubscribe.url ?? `mailto:${unsubscribe.mailto}`)
          : '';
}
