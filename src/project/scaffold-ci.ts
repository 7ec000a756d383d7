/**
 * `enews init --ci github`: a GitHub Actions workflow that checks and builds
 * the newest issue on every pull request and attaches its screenshots and its
 * review.html (every language and view on one page), so reviewers see the
 * email in the pull request without installing anything. GitHub's Ubuntu
 * runners come with Google Chrome, which the screenshots use.
 */
export function githubWorkflow(): string {
  return `# Checks and builds the newest issue on every pull request; its screenshots and review.html
# (every language and view on one page, with the build hash to approve) are attached to the run
# (Summary → Artifacts). Written by enews init --ci github.
name: enews
on: pull_request
jobs:
  check-and-build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 24
      - run: npm install --no-audit --no-fund
      - name: enews build --screenshots (newest issue; build runs the checks of enews check)
        env:
          CHROMIUM_PATH: /usr/bin/google-chrome
        run: |
          n=$(ls issues | grep -E '^[0-9]+\\.ya?ml$' | sort -n | tail -n 1 | cut -d. -f1)
          npx enews build "$n" --screenshots
      - uses: actions/upload-artifact@v4
        with:
          name: screenshots
          path: dist/**/*.png
      - uses: actions/upload-artifact@v4
        with:
          name: review
          path: dist/*/review.html
`;
}
