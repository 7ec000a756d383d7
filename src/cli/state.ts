/**
 * The list state a command works on (state/open.ts): files under journal/, or the database STATE_URL names.
 * Opened once per command, after its options are read; the command closes it when it is done.
 */
import type { ListState } from '../state/open.js';
import type { CliContext } from './context.js';

export async function openState(ctx: CliContext, eventsFile: string | null = null): Promise<ListState> {
  const [{ contentPaths, loadNewsletter }, { openListState }] = await Promise.all([
    import('../content/load.js'),
    import('../state/open.js'),
  ]);
  const { newsletter } = loadNewsletter(contentPaths(ctx.root));
  return openListState({ root: ctx.root, env: ctx.env, listId: newsletter.list_id, eventsFile });
}
