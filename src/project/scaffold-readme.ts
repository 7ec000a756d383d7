/** The README of a new project: for the team that writes and sends the newsletter, not for enews developers. */
import { SUPPORTED_NODE } from '../version.js';
import type { Answers } from './init-answers.js';

export function teamReadme(a: Answers): string {
  return `# ${a.title}

The content of ${a.title}, built and sent with enews (installed from the source that
\`package.json\` names). Needs ${SUPPORTED_NODE} and npm.

## Setup (once per computer)

\`\`\`sh
npm install                 # installs enews into node_modules/
cp .env.example .env        # then fill in SMTP_URL and UNSUBSCRIBE_SECRET (never commit .env)
npx enews build 1           # renders issue 1 into dist/001/
\`\`\`

Every command works from any folder of the project (\`npx enews …\` finds it, as git does).

Before the first send, write what \`enews init\` left as a placeholder: texts marked TODO and
addresses at your-organisation.example. \`npx enews check 1\` lists each one with its line;
\`npx enews send\` refuses while any is left (\`--test\` and \`--dry-run\` work meanwhile).

## The weekly routine

1. \`npx enews new --date YYYY-MM-DD\` writes the next \`issues/NNN.yaml\`, with the catalog
   items (\`issues/items.yaml\`) dated since the previous issue preselected. Add the week's
   news to the catalog first; write the intro; reorder or drop items. With your website's
   feeds under \`feeds:\` in \`issues/newsletter.yaml\`, \`npx enews new --date YYYY-MM-DD --pull\`
   adds what the website published to the catalog first (\`npx enews items pull\` alone, too).
2. \`npx enews check N\` validates everything and prints warnings; it writes nothing.
3. \`npx enews build N\` renders \`dist/NNN/\` (\`email.html\`, \`message.eml\`, \`review.html\`, …).
4. \`npx enews preview N\` shows it as subscribers will see it, desktop and phone, and
   reloads as you edit. Reviewers elsewhere open \`dist/NNN/review.html\` (every language and
   view on one page; mail it, or send it with a test: \`--test them@example.org --review\`).
   Record each approval with \`npx enews approve N --by "Name <address>"\` and commit
   \`issues/NNN.approvals.yaml\`; with \`approval:\` in newsletter.yaml the send waits for them.
5. \`npx enews send N --subscribers list.csv --test you@example.org\` sends a \`[TEST]\` copy.
6. \`npx enews send N --subscribers list.csv\` sends: it shows who gets it and asks first,
   sends exactly what was built, and can be run again after any interruption.

## After the send

- \`npx enews serve\` runs the unsubscribe page and one-click unsubscribe (behind your HTTPS
  server); every unsubscribe is honoured by the next send.
- \`npx enews inbox\` reads returned mail (bounces, complaints, unsubscribe requests) from
  \`IMAP_URL\` and records them, so those addresses are not mailed again.
- \`npx enews report N\` says who got issue N: sent, failed, bounced, complained, unsubscribed.
- \`npx enews site\` writes the web archive of every built issue into \`site/\`.

## Editing the content

\`issues/newsletter.yaml\` is the newsletter's identity, \`issues/items.yaml\` the catalog of
news items, \`issues/NNN.yaml\` one issue each. Each file's first line names its JSON Schema:
with VS Code's YAML extension (redhat.vscode-yaml) the editor completes field names and marks
mistakes as you type (after \`npm install\`). \`npx enews check N\` has the last word.

## Templates

The email and archive templates come with enews and are updated with it. To change one, copy
it into \`templates/\` and edit the copy: \`npx enews templates eject partials/footer.mjml\` (one
file; \`npx enews templates eject\` copies all of them). A file in \`templates/\` wins over
enews's own, file by file. Upgrading enews (\`npm update enews\`, or \`npm install\` with the new
source) brings fixes to the templates you have not copied; for the ones you copied, compare
yours with \`node_modules/enews/templates/\` and merge what you want.

## Upgrading enews

\`npm install\` with the new version, git tag or tarball of enews (see its CHANGELOG.md); a
tarball goes into \`vendor/\` first (\`npm install ./vendor/enews-X.Y.Z.tgz\`, and commit it), so
everyone installs the same one. Then \`npx enews check N\` and \`npx enews build N\`. A build made before the upgrade whose templates
changed is refused by \`send\` until it is built (and reviewed) again.
`;
}
