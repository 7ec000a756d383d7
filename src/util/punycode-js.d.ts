// punycode.js ships no types; enews uses two functions of it.
declare module 'punycode.js' {
  const punycode: {
    /** Punycode (without the xn-- prefix) to Unicode; throws on invalid input. */
    decode(input: string): string;
    encode(input: string): string;
  };
  export default punycode;
}
