/**
 * The smallest newsletter.yaml the schema accepts, parsed: for the tests of what is made from a composed message
 * (its DKIM signature, its SMTP payload), where only the message's shape matters.
 */
import { newsletterSchema, type Newsletter } from '../../content/schema.js';

export function testNewsletter(): Newsletter {
  return newsletterSchema.parse({
    title: 'News',
    from: { name: 'News', address: 'news@example.org' },
    list_id: 'news.example.org',
    postal_address: 'Somewhere',
    why_you_get_this: 'You asked.',
    unsubscribe: { url: 'https://example.org/u' },
  });
}
