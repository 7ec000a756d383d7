/**
 * A real IMAP server for the inbox tests: Dovecot (Debian package
 * dovecot-imapd) with a throwaway configuration in a temporary folder,
 * listening on 127.0.0.1 only, with one passwd-file user and Maildir
 * storage in that folder. Nothing of the system's own Dovecot configuration
 * is read, and nothing outside the folder is written.
 *
 * As root, Dovecot runs its login and internal processes as its own users
 * (dovenull, dovecot, created by the package) and the mail as nobody,
 * because it refuses to keep mail as root; as any other user, everything
 * runs as that user.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { requireTool } from './tools.js';
import { freePort } from './free-port.js';

export interface Dovecot {
  port: number;
  user: string;
  /** Where the user's mail is kept, as Maildir++ (a folder Foo is `<mailDir>/.Foo`). */
  mailDir: string;
  password: string;
  /** imap://user:password@127.0.0.1:port/INBOX, the user and password %-encoded. */
  url(password?: string): string;
  /** The server's log, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(port, '127.0.0.1');
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

function config(dir: string, port: number): string {
  const root = process.getuid?.() === 0;
  const me = os.userInfo();
  // Dovecot wants the group's name; node only knows its number.
  const group = root ? 'dovecot' : execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim();
  const login = root ? 'dovenull' : me.username;
  const internal = root ? 'dovecot' : me.username;
  // The mail's owner: nobody for root (Dovecot refuses uid 0 for mail), else the user running the tests.
  const uid = root ? 65534 : me.uid;
  const gid = root ? 65534 : me.gid;
  return `# Throwaway configuration of the enews inbox tests.
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = enews-test-${path.basename(dir)}
listen = 127.0.0.1
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
log_path = ${dir}/dovecot.log
default_internal_user = ${internal}
default_internal_group = ${group}
default_login_user = ${login}
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:${dir}/mail/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${dir}/mail/%u
}
service imap-login {
${root ? '' : '  chroot =\n'}  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
${root ? '' : '  chroot =\n'}  # Refused logins are part of the tests: without this listener (mode 0 turns it off),
  # no growing penalty delays the next login from 127.0.0.1.
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
`;
}

export async function startDovecot(user = 'bounces', password = 'p@ss/w%rd?secret'): Promise<Dovecot> {
  const dovecot = requireTool('dovecot');
  // passwd-file fields are separated by colons: the password must not contain one.
  if (password.includes(':')) throw new Error('startDovecot: a password with a colon cannot go into a passwd-file');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'enews-dovecot-'));
  // Dovecot's own processes run as other users (as root): they must be able to enter the folder.
  chmodSync(dir, 0o755);
  for (const sub of ['run', 'state', 'mail']) mkdirSync(path.join(dir, sub));
  if (process.getuid?.() === 0) chownSync(path.join(dir, 'mail'), 65534, 65534);
  writeFileSync(path.join(dir, 'passwd'), `${user}:{PLAIN}${password}::::::\n`);
  const log = () =>
    existsSync(path.join(dir, 'dovecot.log')) ? readFileSync(path.join(dir, 'dovecot.log'), 'utf8') : '';
  let child: ChildProcess | null = null;
  let port = 0;
  // The free port can be taken between the check and Dovecot's bind; then try another.
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    port = await freePort();
    writeFileSync(path.join(dir, 'dovecot.conf'), config(dir, port));
    const c = spawn(dovecot, ['-F', '-c', path.join(dir, 'dovecot.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let exited = false;
    c.on('exit', () => (exited = true));
    let stderr = '';
    c.stderr?.on('data', (d) => (stderr += d));
    for (let i = 0; i < 100 && !exited; i++) {
      if (await listening(port)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!exited && (await listening(port))) child = c;
    else {
      c.kill('SIGKILL');
      if (attempt === 4) {
        const why = `Dovecot did not start: ${stderr}\n${log()}`;
        rmSync(dir, { recursive: true, force: true });
        throw new Error(why);
      }
    }
  }
  const proc = child!;
  // If the test process ends without stop() (a crash, a killed worker), the server goes with it.
  const killOnExit = () => proc.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    port,
    user,
    mailDir: path.join(dir, 'mail', user),
    password,
    url: (pass = password) => `imap://${encodeURIComponent(user)}:${encodeURIComponent(pass)}@127.0.0.1:${port}/INBOX`,
    log,
    stop: async () => {
      process.off('exit', killOnExit);
      if (proc.exitCode === null) {
        const gone = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
        if (proc.exitCode === null) proc.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
