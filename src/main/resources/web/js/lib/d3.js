// d3 v7 comes from the WebJar's classic <script> in index.html (no bundler, works offline), which puts it on the
// global object before any module runs. This is the one module that knows that; the others import `d3` from here.
// Under node (unit tests) there is no d3: importing a module that uses it still works, calling into d3 does not.

export const d3 = globalThis.d3;
