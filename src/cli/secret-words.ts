/** What serve and inbox say about UNSUBSCRIBE_SECRET_OLD (config/unsubscribe-secret.ts). */
import { MIN_SECRET_BITS } from '../config/unsubscribe-secret.js';
import { plural } from './words.js';

/** The warning for old secrets below the strength a current one needs (`weakOld`: their bits, weakest first). */
export function weakOldWarning(weakOld: number[]): string[] {
  if (weakOld.length === 0) return [];
  const which = weakOld.length === 1 ? 'a weak secret' : `${plural(weakOld.length, 'weak secret')} (the weakest`;
  return [
    `warning: UNSUBSCRIBE_SECRET_OLD holds ${which} of about ${weakOld[0]} bits${weakOld.length > 1 ? ')' : ''}, ` +
      `under the ${MIN_SECRET_BITS} a current one needs. It is accepted: it only keeps the links and return ` +
      'addresses of messages sent with it working; but whoever guesses it can unsubscribe the subscribers ' +
      'of those messages.',
  ];
}
