/** The sign-up's confirmation message: one render per language, each message its greeting and link. */
import { describe, expect, it } from 'vitest';
import { contentPaths, loadNewsletter } from '../content/load.js';
import { loadStrings } from '../render/strings.js';
import { REPO } from '../../tests/helpers/project.js';
import { loadConfirmMail } from './confirm-mail.js';

const decode = (raw: string) =>
  raw.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));

describe('the confirmation message', () => {
  it('asks in the language chosen, greets by name, and carries the link in both parts', async () => {
    const paths = contentPaths(REPO);
    const { newsletter, languages } = loadNewsletter(paths);
    const mail = await loadConfirmMail(newsletter, paths.templatesDir, loadStrings(paths.templatesDir, languages), 7);
    const url = 'https://www.example.org/coop/enews/subscribe/confirm?t=TOKEN123';
    const fr = mail.compose({ to: 'zoe@example.org', name: 'Zoë', language: 'fr', url });
    expect(fr.raw).toMatch(/^Subject: =\?UTF-8\?Q\?Confirmez_votre_abonnement/m);
    expect(fr.raw).toContain('Content-Language: fr');
    expect(fr.raw).not.toMatch(/^List-Unsubscribe/m);
    const body = Buffer.from(decode(fr.raw), 'latin1').toString('utf8');
    expect(body).toContain('Bonjour Zoë,');
    expect(body).toContain('le lien reste valable 7 jours');
    // Once in the text part, twice in the HTML (the button and the written-out link).
    expect(body.split(url).length - 1).toBe(3);
    const en = mail.compose({ to: 'kim@example.org', name: '', language: 'en', url });
    expect(Buffer.from(decode(en.raw), 'latin1').toString('utf8')).toContain('Hello,');
    expect(en.from).toBe('coop-enews-bounces@example.org');
  });
});
