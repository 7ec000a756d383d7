/**
 * Which partial renders an item: the one newsletter.yaml names for its type, else
 * templates/partials/item-<type>.mjml when the templates have it, else item-default.mjml, so a
 * new type needs no template of its own. item-default.mjml is read (and so in a build's inputs)
 * only when a type needs it: a newsletter whose types all have their partial builds as before.
 */
import type { ItemTypeInfo } from '../content/item-types.js';

export const DEFAULT_ITEM_PARTIAL = 'item-default';

/** `has(name)`: whether the templates have the partial `name` (templates/partials/<name>.mjml). */
export function itemPartial(type: ItemTypeInfo, has: (name: string) => boolean): string {
  if (type.partial !== undefined) return type.partial;
  const own = `item-${type.slug}`;
  return has(own) ? own : DEFAULT_ITEM_PARTIAL;
}

export function needsDefaultItemPartial(types: readonly ItemTypeInfo[], has: (name: string) => boolean): boolean {
  return types.some((t) => itemPartial(t, has) === DEFAULT_ITEM_PARTIAL);
}
