/** What `enews items pull` and `enews new --pull` print about a pull: what was read, added, skipped, changed. */
import type { PullResult } from '../feeds/pull.js';
import type { SkipReason } from '../feeds/plan-pull.js';
import type { PictureFailure } from '../feeds/pull-pictures.js';
import { neutralize } from '../util/safe-text.js';
import type { CliContext } from './context.js';
import { plural } from './words.js';

/** What a feed says of an entry (its date, its categories), on one line and short: a stranger wrote it. */
const fromFeed = (s: string): string => {
  const line = neutralize(s);
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
};

const WHY: Record<Exclude<SkipReason, 'skip-title'>, (detail?: string) => string> = {
  'no-link': () => 'it has no link, so the email could not point at it',
  'no-title': () => 'it has no title',
  'no-date': (d) => (d ? `its date "${d}" cannot be read` : 'it has no date'),
  'no-type': (d) =>
    `no item type for it (categories: ${d ?? 'none'}): ` +
    'map one in feeds: (by_category, by_url) or give the feed a type:',
  invalid: (d) => `it would not be a valid item (${d})`,
};

function pictureWhy(f: PictureFailure): string {
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  switch (f.kind) {
    case 'status':
      return `the server answered ${f.status} ${f.statusText}`;
    case 'too-big':
      return `${f.size === null ? 'it is over' : `it is ${mb(f.size)}, over`} the ${mb(f.max)} enews downloads`;
    case 'unreachable':
      return f.timedOut ? `no answer within ${f.seconds} s` : `it could not be reached (${f.cause})`;
    case 'not-a-picture':
    case 'cannot-write':
      return f.why;
  }
}

const kb = (bytes: number): string => `${Math.max(1, Math.round(bytes / 1024))} KB`;

export function printPull(ctx: CliContext, r: PullResult, dryRun: boolean): void {
  const show = (s: string) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? s : ctx.display(s));
  for (const s of r.sources) {
    const lang = r.sources.some((o) => o.language !== s.language) ? ` [${s.language}]` : '';
    ctx.output.out(
      s.format === null
        ? `${show(s.source)}${lang}: unchanged since the last pull.`
        : `${show(s.source)}${lang} (${s.format}): ${plural(s.entries, 'entry', 'entries')}.`,
    );
  }
  const where = r.written.length === 1 ? ctx.display(r.written[0]!) : 'the catalog';
  if (r.add.length === 0) ctx.output.out('No new items.');
  else {
    ctx.output.out(`${dryRun ? 'Would add' : 'Added'} ${plural(r.add.length, 'item')} to ${where}:`);
    for (const { item } of r.add) {
      const title = typeof item.title === 'string' ? item.title : Object.values(item.title)[0]!;
      ctx.output.out(`  + ${item.id}  (${item.type}, ${item.date})  ${title}`);
      const saved = r.pictures.saved.find((p) => p.src === item.image?.src);
      if (saved) ctx.output.out(`      picture: ${item.image!.src} (${kb(saved.bytes)})`);
    }
  }
  if (r.pictures.toDownload) {
    ctx.output.out(`Would download ${plural(r.pictures.toDownload, 'picture')} into images/.`);
  }
  for (const f of r.pictures.failed) {
    ctx.output.err(
      `warning: ${f.id}: its picture ${fromFeed(f.url)} was not saved: ${fromFeed(pictureWhy(f.failure))}; ` +
        'the item has none (save one in images/ and name it in its image.src to show it).',
    );
  }
  const titled = r.skipped.filter((s) => s.reason === 'skip-title').length;
  const counts = [
    r.known ? `${plural(r.known, 'entry', 'entries')} already in the catalog` : '',
    titled ? `${plural(titled, 'entry', 'entries')} left out by skip_titles` : '',
    r.removed.length
      ? `${plural(r.removed.length, 'item')} removed from the catalog since an earlier pull, not added again ` +
        `(${r.removed.map((x) => x.id).join(', ')})`
      : '',
  ].filter(Boolean);
  if (counts.length) ctx.output.out(`${counts.join('; ')}.`);
  const skipped = r.skipped.filter((s) => s.reason !== 'skip-title');
  if (skipped.length) {
    ctx.output.err(`warning: ${plural(skipped.length, 'entry', 'entries')} skipped:`);
    for (const s of skipped) {
      const detail = s.detail === undefined ? undefined : fromFeed(s.detail);
      ctx.output.err(`  - ${show(s.source)}: ${s.entry}: ${WHY[s.reason as keyof typeof WHY](detail)}`);
    }
  }
  if (r.changed.length) {
    ctx.output.err(
      `The website changed ${plural(r.changed.length, 'entry', 'entries')} since the last pull; the catalog keeps ` +
        'its own version (edit the item to take a change):',
    );
    for (const c of r.changed) ctx.output.err(`  ~ ${c.id}: ${c.fields.join(', ')} (${show(c.source)})`);
  }
  if (r.repointed) ctx.output.out(schemaLineNote(ctx, r.repointed));
  if (dryRun) ctx.output.out('Nothing was written (--dry-run).');
}

/** Said when items.yaml's first line was pointed at the JSON Schema of the newsletter's item types. */
export function schemaLineNote(ctx: CliContext, file: string): string {
  return `${ctx.display(file)}: its first line now names the JSON Schema of the item_types.`;
}
