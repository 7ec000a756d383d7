import { createRequire } from 'node:module';
import path from 'node:path';
import { expect, it } from 'vitest';
import { copyProject } from '../../tests/helpers/project.js';
import { contentPaths, loadNewsletter } from '../content/load.js';
import { EventsFile } from '../events/events-file.js';
import { startServe } from './node.js';

const SECRET = 'PuvNoOXMB/29UdUBMsoxjuaq+/MT9FaviU66O9OgISA=';

/** Whether the file locks' native addon is loaded in this process (this file runs in a process of its own). */
function lockAddonLoaded(): boolean {
  const addon = createRequire(import.meta.url).resolve('fs-native-extensions');
  return Object.keys(createRequire(import.meta.url).cache).includes(addon);
}

it('serve loads what its first unsubscribe would (the lock addon) before it listens, not behind the first request', async () => {
  const dir = copyProject();
  const { newsletter } = loadNewsletter(contentPaths(dir));
  const events = new EventsFile(path.join(dir, 'journal', 'events.jsonl'), newsletter.list_id);
  expect(lockAddonLoaded()).toBe(false);
  const server = await startServe({ newsletter, secret: SECRET, events, host: '127.0.0.1', port: 0 });
  try {
    expect(lockAddonLoaded()).toBe(true);
  } finally {
    await server.close();
  }
});
