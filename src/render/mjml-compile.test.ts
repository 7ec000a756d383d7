import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { REPO } from '../../tests/helpers/project.js';

const EMAIL = `<mjml><mj-body><mj-section><mj-column><mj-text colour="red">Cooperatives &amp; the future of work</mj-text>
<mj-button href="https://example.org/">Read more</mj-button></mj-column></mj-section></mj-body></mjml>`;
const OPTIONS = { validationLevel: 'strict' as const, keepComments: false, filePath: REPO };

it('stopping MJML’s worker leaves renders working: one waiting on it, and later ones, give the same result', async () => {
  // The built module: its worker file lies beside it (the source has none, and would render here throughout).
  const m: typeof import('./mjml-compile.js') = await import(
    pathToFileURL(path.join(REPO, 'lib', 'bundle', 'mjml-compile.js')).href
  );
  m.startMjmlWorker();
  const inWorker = await m.compileMjml(EMAIL, OPTIONS);
  expect('thrown' in inWorker).toBe(true); // strict validation: colour is not an attribute of mj-text
  const pending = m.compileMjml(EMAIL, OPTIONS);
  await m.stopMjmlWorker();
  expect(await pending).toEqual(inWorker);
  expect(await m.compileMjml(EMAIL, OPTIONS)).toEqual(inWorker);
  // A second stop does nothing; a new worker can be started and gives the same again.
  await m.stopMjmlWorker();
  m.startMjmlWorker();
  expect(await m.compileMjml(EMAIL, OPTIONS)).toEqual(inWorker);
  await m.stopMjmlWorker();
});
