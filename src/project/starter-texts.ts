/**
 * The texts a new project starts with, in the languages whose template words ship with enews
 * (templates/strings: en, fr, es); any other language starts with the English ones, as its
 * template words do. What the team must replace carries the TODO marker (content/placeholders.ts),
 * so the check finds it in whatever language it was written.
 */
import { matchLanguage } from '../content/languages.js';

export interface StarterTexts {
  /** The footer's postal address until the team gives theirs. */
  postalAddress: string;
  whyYouGetThis: (title: string) => string;
  itemTitle: (title: string) => string;
  itemSummary: string;
  preheader: string;
  /** Issue 1's introduction (Markdown), linking to the archive at `url`. */
  intro: (title: string, url: string) => string;
}

const TEXTS: Record<string, StarterTexts> = {
  en: {
    postalAddress: 'TODO: your organisation, street and number, postcode and city, country',
    whyYouGetThis: (title) => `You receive ${title} because you subscribed to it.`,
    itemTitle: (title) => `Welcome to ${title}`,
    itemSummary:
      'TODO: an example item; replace it with your own news. Each item has an id, a type, a title, a date, ' +
      'a summary and a link; an image (src, alt, width) is optional.',
    preheader: 'TODO: one line that mail clients show after the subject.',
    intro: (title, url) =>
      `Welcome to the first issue of ${title}. TODO: write the introduction. It is Markdown: **bold**,\n` +
      `*italics*, [links](${url}) and lists work.\n`,
  },
  fr: {
    postalAddress: 'TODO : votre organisation, rue et numéro, code postal et ville, pays',
    whyYouGetThis: (title) => `Vous recevez ${title} parce que vous y êtes abonné·e.`,
    itemTitle: (title) => `Bienvenue dans ${title}`,
    itemSummary:
      'TODO : un exemple d’article ; remplacez-le par vos propres nouvelles. Chaque article a un id, un type, ' +
      'un titre, une date, un résumé et un lien ; une image (src, alt, width) est facultative.',
    preheader: 'TODO : une ligne que les messageries affichent après l’objet.',
    intro: (title, url) =>
      `Bienvenue dans le premier numéro de ${title}. TODO : écrivez l’introduction. Elle est en Markdown :\n` +
      `**gras**, *italique*, [liens](${url}) et listes.\n`,
  },
  es: {
    postalAddress: 'TODO: su organización, calle y número, código postal y ciudad, país',
    whyYouGetThis: (title) => `Recibe ${title} porque se suscribió.`,
    itemTitle: (title) => `Bienvenida a ${title}`,
    itemSummary:
      'TODO: una noticia de ejemplo; sustitúyala por sus propias noticias. Cada noticia tiene un id, un tipo, ' +
      'un título, una fecha, un resumen y un enlace; una imagen (src, alt, width) es opcional.',
    preheader: 'TODO: una línea que los programas de correo muestran después del asunto.',
    intro: (title, url) =>
      `Bienvenida al primer número de ${title}. TODO: escriba la introducción. Es Markdown: **negrita**,\n` +
      `*cursiva*, [enlaces](${url}) y listas.\n`,
  },
};

/** The starter texts for a language tag (fr-CH gets the French ones). */
export function starterTexts(language: string): StarterTexts {
  return TEXTS[matchLanguage(language, Object.keys(TEXTS)) ?? 'en']!;
}
