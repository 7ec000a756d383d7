/** Synthetic subscriber lists for send tests. */
const FIRST = ['Zoë', 'Karim', 'Amina', 'Seán', '林', 'Olga', 'José', 'Ngozi', 'Aarav', 'Maja'];
const LAST = ['Martin', 'Benali', 'Diallo', "O'Brien", '伟', 'Ivanova', 'García', 'Okafor', 'Sharma', 'Nowak'];

export interface SubscriberRow {
  email: string;
  name: string;
}

export function people(n: number, domain = 'example.org'): SubscriberRow[] {
  return Array.from({ length: n }, (_, i) => ({
    email: `reader${String(i + 1).padStart(5, '0')}@${domain}`,
    name: `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}`,
  }));
}

/** A CSV with a header and one row per person (quoted where needed). */
export function csv(rows: Array<SubscriberRow & { status?: string; organisation?: string }>): string {
  const q = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return (
    [
      'email,name,status,organisation',
      ...rows.map((r) => [r.email, r.name, r.status ?? '', r.organisation ?? ''].map(q).join(',')),
    ].join('\r\n') + '\r\n'
  );
}
