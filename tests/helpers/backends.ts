/**
 * The two homes of the list state, for tests that prove the same guarantee on both: the files under journal/
 * (nothing to set) and PostgreSQL (a throwaway cluster per test file, a fresh database per call).
 */
import { afterAll } from 'vitest';
import { type Postgres, startPostgres } from './postgres.js';

export type Backend = 'files' | 'postgres';
export const BACKENDS: Backend[] = ['files', 'postgres'];

let cluster: Promise<Postgres> | null = null;
afterAll(async () => {
  if (cluster) await (await cluster).stop();
  cluster = null;
});

/** The environment a command needs to keep its list state in `backend`: nothing for files, a new database's URL. */
export async function stateEnv(backend: Backend): Promise<Record<string, string>> {
  if (backend === 'files') return {};
  cluster ??= startPostgres();
  return { STATE_URL: await (await cluster).database() };
}
