// mailauth ships no types; the test uses one function of it.
declare module 'mailauth/lib/dkim/verify.js' {
  interface DkimResult {
    status: { result: string };
    signingHeaders?: { keys?: string };
  }
  export function dkimVerify(
    message: Buffer,
    options: { resolver: (name: string, type: string) => Promise<string[][]> },
  ): Promise<{ results: DkimResult[] }>;
}
