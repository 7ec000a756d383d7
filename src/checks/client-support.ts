/**
 * Which mail clients do not support what the email uses, from the caniemail
 * data bundled in @jsx-email/doiuse-email (no network). The library is driven
 * one element, one declaration and one CSS rule at a time, so each feature is
 * known with the element that uses it and so with its template line.
 *
 * Reported: what the templates and the content write. Not reported: what MJML
 * emits on its own (conditional comments are comments and never parsed; its
 * tables, resets, MSO styles and responsive media queries are built for these
 * clients with fallbacks), recognised as markup that no template line writes.
 */
import { parse as parseCss, type CssAtRuleAST, type CssRuleAST } from '@adobe/css-tools';
import { DoIUseEmail } from '@jsx-email/doiuse-email';
import type { Element } from 'domhandler';
import type { Location, Problem, Warning } from '../errors.js';
import { closest } from '../util/closest.js';
import type { CheckContext } from './context.js';
import { type EmailDoc, inlineStyle, textContent } from './email-doc.js';

/** Gmail web and apps, Outlook on Windows, Mac and the web, Apple Mail on iOS and macOS, Yahoo, Samsung Email. */
export const DEFAULT_CLIENTS = [
  'gmail.desktop-webmail',
  'gmail.ios',
  'gmail.android',
  'outlook.windows',
  'outlook.macos',
  'outlook.outlook-com',
  'apple-mail.ios',
  'apple-mail.macos',
  'yahoo.desktop-webmail',
  'samsung-email.android',
];

/** doiuse-email 1.0.4 leaves Outlook.com out of its client list, though its caniemail data has it. */
const MISSING_FROM_LIST = ['outlook.outlook-com'];

export function knownClients(): string[] {
  return [...new DoIUseEmail({ emailClients: ['*'] }).emailClients, ...MISSING_FROM_LIST];
}

/** Every feature the caniemail data has, by the name findings give it ("aria-label attribute", "@media"). */
export function knownFeatures(): string[] {
  const checker = new DoIUseEmail({ emailClients: ['*'] });
  // Asked for no client, it counts every feature as supported, so it lists them all.
  checker.emailClients = [];
  return checker.getSupportedFeatures().map((f) => f.name);
}

const FAMILY: Record<string, string> = {
  'apple-mail': 'Apple Mail',
  gmail: 'Gmail',
  outlook: 'Outlook',
  yahoo: 'Yahoo',
  'samsung-email': 'Samsung Email',
  aol: 'AOL',
  orange: 'Orange',
  sfr: 'SFR',
  thunderbird: 'Thunderbird',
  protonmail: 'Proton Mail',
  hey: 'HEY',
  'mail-ru': 'Mail.ru',
  fastmail: 'Fastmail',
  laposte: 'La Poste',
};
const PLATFORM: Record<string, string> = {
  'desktop-webmail': 'web',
  'mobile-webmail': 'mobile web',
  'outlook-com': 'Outlook.com',
  'windows-mail': 'Windows Mail',
  ios: 'iOS',
  android: 'Android',
  macos: 'macOS',
  windows: 'Windows',
};

/** "Outlook Windows", "Gmail web", "Outlook.com". */
export function clientName(id: string): string {
  const [family, platform] = id.split('.') as [string, string];
  if (platform === 'outlook-com') return 'Outlook.com';
  return `${FAMILY[family] ?? family} ${PLATFORM[platform] ?? platform}`;
}

export interface ClientList {
  clients: string[];
  problems: Problem[];
}

/** The clients newsletter.yaml names (globs such as gmail.* allowed), or the default list. */
export function resolveClients(ctx: CheckContext): ClientList {
  const wanted = ctx.newsletter.checks?.clients;
  if (!wanted) return { clients: DEFAULT_CLIENTS, problems: [] };
  const known = knownClients();
  const clients = new Set<string>();
  const problems: Problem[] = [];
  wanted.forEach((name, i) => {
    const re = new RegExp(
      `^${name
        .toLowerCase()
        .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')}$`,
    );
    const matched = known.filter((k) => re.test(k));
    if (matched.length === 0) {
      const near = closest(name.toLowerCase(), known, 1)[0] ?? null;
      problems.push({
        message: `checks.clients: "${name}" is not a mail client in the caniemail data`,
        location: ctx.newsletterAt(['checks', 'clients', i]),
        hint:
          (near ? `Did you mean "${near}"? ` : '') +
          `Write family.platform, e.g. gmail.android, outlook.windows, or a pattern such as gmail.*`,
      });
    }
    for (const m of matched) clients.add(m);
  });
  return { clients: [...clients], problems };
}

export interface SupportFinding extends Warning {
  feature: string;
  clients: string[];
}

interface Found {
  location: Location;
  clients: Set<string>;
}

export function checkClientSupport(doc: EmailDoc, ctx: CheckContext, clients: string[]): SupportFinding[] {
  const checker = new DoIUseEmail({ emailClients: ['*'] });
  // Set after construction: the constructor only accepts the clients of its own list (see MISSING_FROM_LIST).
  checker.emailClients = clients as typeof checker.emailClients;
  const found = new Map<string, Found>();
  // What the checker says depends only on what it is shown: MJML's output repeats the same elements and
  // declarations hundreds of times, so each is asked once (`key` names it) and where it stands is applied after.
  const said = new Map<string, string[]>();
  const run: Run = (location, key, fn, authored) => {
    let errors = said.get(key);
    if (!errors) {
      checker.errors = [];
      fn();
      errors = checker.errors;
      said.set(key, errors);
    }
    if (!location) return;
    for (const e of errors) {
      const m = /^`(.+)` is not supported by `(.+)`$/.exec(e);
      if (!m || !authored(m[1]!)) continue;
      const f = found.get(m[1]!) ?? { location, clients: new Set<string>() };
      f.clients.add(m[2]!);
      found.set(m[1]!, f);
    }
  };
  const lines = templateLines(ctx);
  for (const el of doc.elements) {
    if (el.name === 'style') checkStyleBlock(el, lines, checker, run);
    else checkElement(el, doc, ctx, lines, checker, run);
  }
  return [...found].map(([feature, f]) => {
    const names = clients.filter((c) => f.clients.has(c)).map(clientName);
    return {
      code: 'client-support',
      feature,
      clients: [...f.clients],
      message: `${feature}: not supported in ${names.join(', ')}; they ignore it, so check the email still reads well without it`,
      location: f.location,
    };
  });
}

type Run = (location: Location | undefined, key: string, fn: () => void, authored: (title: string) => boolean) => void;

/** The first template line for which `test` holds, remembered by `key` (the search reads every line). */
type LineFinder = (key: string, test: (line: string) => boolean) => Location | undefined;

function templateLines(ctx: CheckContext): LineFinder {
  const known = new Map<string, Location | undefined>();
  return (key, test) => {
    if (!known.has(key)) known.set(key, ctx.findTemplateLine(test));
    return known.get(key);
  };
}

function checkElement(
  el: Element,
  doc: EmailDoc,
  ctx: CheckContext,
  lines: LineFinder,
  checker: DoIUseEmail,
  run: Run,
): void {
  const site = doc.site(el);
  if (!site) return;
  const line = ctx.templateLine(site.location);
  // A line of a content file (the intro) is written by staff as a whole; a template line only for what it names.
  const writes = (text: string) => line === undefined || line.toLowerCase().includes(text);
  const attributes = Object.entries(el.attribs)
    .filter(([n]) => n !== 'style' && !n.startsWith('data-enews'))
    .map(([name, value]) => ({ name, value }));
  run(
    site.location,
    // Its name attribute is among `attributes`: the key holds all that the color-scheme meta tag depends on.
    JSON.stringify(['element', el.name, attributes]),
    () => {
      checker.checkHtmlNode({ tagName: el.name, attributes } as unknown as Parameters<typeof checker.checkHtmlNode>[0]);
      if (el.name === 'meta' && el.attribs.name === 'color-scheme') feature(checker, 'color-scheme meta tag');
    },
    (title) =>
      site.own && (/ attribute$/.test(title) ? writes(`${title.replace(/ attribute$/, '')}=`) : writes(`<${el.name}`)),
  );
  for (const [property, value] of inlineStyle(el)) {
    const at = line && declares(line, property) ? site.location : lines(property, (l) => declares(l, property));
    run(
      at,
      JSON.stringify(['declaration', property, value]),
      () => checker.checkCSSDeclarations([{ property, value }]),
      () => true,
    );
  }
}

const declaring = new Map<string, RegExp>();
function declares(line: string, property: string): boolean {
  let re = declaring.get(property);
  if (!re) {
    re = new RegExp(`(^|[\\s;"'{])${property}\\s*(:|=")`, 'i');
    declaring.set(property, re);
  }
  return re.test(line);
}

function checkStyleBlock(el: Element, lines: LineFinder, checker: DoIUseEmail, run: Run): void {
  const css = textContent(el);
  let rules: Array<CssRuleAST | CssAtRuleAST>;
  try {
    rules = parseCss(css, { silent: true }).stylesheet.rules;
  } catch {
    return;
  }
  const norm = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();
  // A rule is the templates' when a template line writes its selector before "{" or ",", or its @media query.
  const lineOf = (text: string) =>
    lines(`rule ${text}`, (l) => {
      const line = norm(l);
      const at = line.indexOf(norm(text));
      return (
        at >= 0 && (at === 0 || /[\s,}(]/.test(line[at - 1]!)) && /^\s*[{,)]/.test(line.slice(at + norm(text).length))
      );
    });
  for (const rule of rules) {
    if (rule.type === 'media') {
      const media = (rule as { media?: string }).media ?? '';
      const at = lineOf(media) ?? lineOf(`(${media.replace(/^[^(]*\(/, '')}`);
      run(
        at,
        JSON.stringify(['media', media, (rule as { rules?: unknown }).rules ?? null]),
        () => {
          checker.checkStylesheet({ type: 'stylesheet', stylesheet: { rules: [rule] } } as never);
          if (/prefers-color-scheme/.test(media)) feature(checker, '@media (prefers-color-scheme)');
        },
        () => true,
      );
      for (const inner of (rule as { rules?: Array<CssRuleAST | CssAtRuleAST> }).rules ?? []) {
        if (inner.type === 'rule') checkRule(inner as CssRuleAST, lineOf, checker, run);
      }
    } else if (rule.type === 'rule') {
      checkRule(rule as CssRuleAST, lineOf, checker, run);
    }
  }
}

function checkRule(
  rule: CssRuleAST,
  lineOf: (text: string) => Location | undefined,
  checker: DoIUseEmail,
  run: Run,
): void {
  for (const selector of rule.selectors) {
    run(
      lineOf(selector),
      JSON.stringify(['selector', selector]),
      () => checker.checkCSSSelectors([selector]),
      () => true,
    );
  }
  const at = lineOf(rule.selectors[0] ?? '');
  for (const d of rule.declarations) {
    if (d.type !== 'declaration') continue;
    const { property, value } = d as { property: string; value: string };
    run(
      at,
      JSON.stringify(['rule declaration', property, value]),
      () => {
        checker.checkCSSDeclarations([{ property, value }]);
        if (property === 'color-scheme') feature(checker, 'color-scheme CSS property');
      },
      () => true,
    );
  }
}

/** Features doiuse-email has data for but does not detect by itself. */
function feature(checker: DoIUseEmail, title: string): void {
  try {
    checker.checkFeaturesSupport(title);
  } catch {
    // A title the bundled data does not have: nothing to report.
  }
}
