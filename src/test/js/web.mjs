// Where the page's modules are, for the tests: they import the very files the jar serves.
export const WEB_JS = new URL('../../main/resources/web/js/', import.meta.url);

/** Imports a page module by its path under web/js, e.g. web('net/wire.js'). */
export function web(path) {
  return import(new URL(path, WEB_JS).href);
}
