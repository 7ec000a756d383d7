/**
 * The small pages of the subscriber endpoint, in the newsletter's identity:
 * its title and brand colour, one clear question, one button. Plain HTML
 * with inline styles (the Content-Security-Policy allows nothing else), a
 * language, a main landmark, a real form that works without JavaScript.
 */
import { escapeHtml as e } from '../render/slots.js';

export interface PageIdentity {
  title: string;
  language: string;
  brandColor: string;
  /** Postal address lines, shown small at the bottom as in every message. */
  postalAddress: string;
}

function page(id: PageIdentity, heading: string, body: string): string {
  return `<!doctype html>
<html lang="${e(id.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${e(heading)} – ${e(id.title)}</title>
</head>
<body style="margin:0;background:#f3f4f6;color:#222222;font-family:Arial,Helvetica,sans-serif;line-height:1.5">
<header style="background:${e(id.brandColor)};color:#ffffff;padding:16px 24px;font-weight:bold">${e(id.title)}</header>
<main style="max-width:560px;margin:32px auto;background:#ffffff;padding:24px 28px;border-radius:6px">
<h1 style="font-size:22px;margin:0 0 16px">${e(heading)}</h1>
${body}
</main>
<footer style="max-width:560px;margin:0 auto 32px;padding:0 28px;font-size:13px;color:#555555">
${e(id.postalAddress).replace(/\n/g, '<br>')}
</footer>
</body>
</html>
`;
}

const BUTTON = 'font-size:17px;padding:10px 20px;border:0;border-radius:4px;color:#ffffff;cursor:pointer';

export function unsubscribePage(id: PageIdentity, masked: string, action: string, already: boolean): string {
  if (already)
    return page(id, 'You are unsubscribed', `<p><strong>${e(masked)}</strong> no longer gets ${e(id.title)}.</p>`);
  return page(
    id,
    `Unsubscribe from ${id.title}?`,
    `<p>Stop sending <strong>${e(id.title)}</strong> to <strong>${e(masked)}</strong>?</p>
<form method="post" action="${e(action)}">
<input type="hidden" name="confirm" value="yes">
<button type="submit" style="${BUTTON};background:${e(id.brandColor)}">Unsubscribe</button>
</form>
<p style="font-size:14px;color:#555555">Nothing changes until you press the button.</p>`,
  );
}

export function confirmPage(id: PageIdentity, masked: string): string {
  return page(
    id,
    'You are unsubscribed',
    `<p role="status"><strong>${e(masked)}</strong> will not get ${e(id.title)} any more.</p>
<p style="font-size:14px;color:#555555">Unsubscribed by mistake? Reply to any issue and we will add you back.</p>`,
  );
}

export function errorPage(id: PageIdentity, heading: string, text: string): string {
  return page(id, heading, `<p role="alert">${e(text)}</p>`);
}
