/** The load hook of module-trace.mjs: tells the main thread each module's URL as it loads. */
let port;

export function initialize(data) {
  port = data.port;
}

export async function load(url, context, next) {
  port.postMessage(url);
  return next(url, context);
}
