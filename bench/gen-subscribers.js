#!/usr/bin/env node
/**
 * Synthetic subscriber lists for the benchmark: email,name,language,status
 * plus one merge column (organisation). Deterministic (seeded), every address
 * unique and realistic in length (median ~30 characters), about one name in
 * five non-ASCII (accents, Polish, Vietnamese, Chinese, Arabic, Greek), a few
 * quoted fields with commas, an empty status now and then (= subscribed).
 * Every row is valid and subscribed, so every row is a recipient.
 *
 *   node bench/gen-subscribers.js ROWS FILE
 */
import { createWriteStream, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FIRST = [
  'maria',
  'james',
  'amina',
  'karim',
  'sean',
  'lin',
  'fatima',
  'olga',
  'pedro',
  'anna',
  'mohamed',
  'sofia',
  'john',
  'yuki',
  'chen',
  'lucia',
  'ahmed',
  'elena',
  'david',
  'ngozi',
  'ravi',
  'laura',
  'pierre',
  'ingrid',
  'tomas',
  'aisha',
  'marco',
  'hannah',
];
const LAST = [
  'gonzalez',
  'smith',
  'diallo',
  'benali',
  'obrien',
  'wei',
  'haddad',
  'ivanova',
  'silva',
  'kowalski',
  'hassan',
  'rossi',
  'johnson',
  'tanaka',
  'nguyen',
  'fernandez',
  'mansour',
  'petrova',
  'miller',
  'okafor',
  'sharma',
  'martin',
  'dubois',
  'larsen',
  'novak',
  'bello',
  'bianchi',
  'schmidt',
];
const DOMAINS = [
  'example.org',
  'example.net',
  'example.com',
  'mail.example.org',
  'coop.example.net',
  'members.example.com',
  'uni-geneve.example.org',
  'federation-cooperatives.example.net',
  'ilo-partners.example.org',
  'inbox.example.com',
];
// Display names that exercise the encoded-word path (non-ASCII) and quoting (commas, apostrophes).
const UNICODE_NAMES = [
  'Zoë Martin',
  'José Fernández',
  'Łukasz Kowalski',
  'Nguyễn Thị Hương',
  '林伟',
  'Søren Ødegaard',
  'François Dubois',
  'Jürgen Müller',
  'فاطمة حداد',
  'Ελένη Παπαδοπούλου',
  'Çağla Yılmaz',
  'Ana María Núñez',
];
const ORGS = [
  'ILO',
  'Coopérative de Sfax',
  'Co-op Ireland, Cork',
  'Consorzio Copernico',
  'Kenya Union of Savings and Credit Cooperatives',
  'Genossenschaftsverband',
  '',
  'Mondragon',
  'SEWA',
  '',
  'Cooperativa "La Esperanza"',
];
const LANGS = ['en', 'en', 'en', 'fr', 'es', 'de', 'pt-BR', 'zh', 'ar'];

/** mulberry32: small, fast, seeded. */
function rng(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function csvField(s) {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const cap = (s) => s[0].toUpperCase() + s.slice(1);

/** One row; `language` (when given) replaces the drawn one, the rest of the row staying the same. */
export function row(i, rand, language) {
  const pick = (a) => a[Math.floor(rand() * a.length)];
  const first = pick(FIRST);
  const last = pick(LAST);
  // The index makes the address unique; the shape varies like real lists do.
  const shape = rand();
  const local =
    shape < 0.5 ? `${first}.${last}.${i}` : shape < 0.8 ? `${first[0]}${last}${i}` : `${last}_${first}+news${i}`;
  const email = `${local}@${pick(DOMAINS)}`;
  const r = rand();
  const name =
    r < 0.2
      ? pick(UNICODE_NAMES)
      : r < 0.25
        ? `${cap(last)}, ${cap(first)}`
        : r < 0.3
          ? ''
          : `${cap(first)} ${cap(last)}`;
  const status = rand() < 0.1 ? '' : 'subscribed';
  const drawn = pick(LANGS);
  return [email, name, language ?? drawn, status, pick(ORGS)].map(csvField).join(',');
}

/**
 * Writes ROWS rows to FILE (via FILE.tmp, so an interrupted run never leaves half a list). With
 * `language`, every row has that language (the same list otherwise: the languages benchmark).
 */
export async function generate(rows, file, { language } = {}) {
  const tmp = `${file}.tmp`;
  const out = createWriteStream(tmp);
  const rand = rng(rows);
  out.write('email,name,language,status,organisation\n');
  let buf = '';
  for (let i = 1; i <= rows; i++) {
    buf += row(i, rand, language) + '\n';
    if (buf.length > 1 << 20 || i === rows) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end();
  await once(out, 'finish');
  renameSync(tmp, file);
  writeFileSync(
    `${file}.meta`,
    JSON.stringify({ rows, generator: 1, language: language ?? null, size: statSync(file).size }),
  );
}

/** Generates FILE unless it already holds exactly this list. Returns true when it (re)generated. */
export async function ensure(rows, file, { language } = {}) {
  const meta = `${file}.meta`;
  if (existsSync(file) && existsSync(meta)) {
    try {
      const m = JSON.parse(readFileSync(meta, 'utf8'));
      const same = m.rows === rows && m.generator === 1 && (m.language ?? null) === (language ?? null);
      if (same && m.size === statSync(file).size) return false;
    } catch {
      /* regenerate */
    }
  }
  await generate(rows, file, { language });
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [rows, file] = process.argv.slice(2);
  if (!rows || !file) {
    console.error('usage: node bench/gen-subscribers.js ROWS FILE');
    process.exit(2);
  }
  await generate(Number(rows), file);
}
