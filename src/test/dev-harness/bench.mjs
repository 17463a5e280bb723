// Dev-only in-page load generator: feeds window.trafficviz.inject* with the synthetic scenario, no server needed.
//   import('/dev/bench.mjs').then((b) => b.start({ scale: 'large', rate: 20000 }))
import { createScenario } from './scenario.mjs';

let timer = null;

export function start({ scale = 'large', rate = 20000, tickMs = 75 } = {}) {
  stop();
  const scenario = createScenario(scale);
  window.trafficviz.injectGraph({ type: 'hello', graph: scenario.networkInfo() });
  let carry = 0;
  let last = performance.now();
  timer = setInterval(() => {
    const now = performance.now();
    const dt = now - last;
    last = now;
    carry += (rate * dt) / 1000;
    const count = Math.floor(carry);
    carry -= count;
    window.trafficviz.injectBatch({ type: 'batch', ...scenario.step(count, dt), dropped: 0 });
  }, tickMs);
  return { nodes: scenario.nodes.size, edges: scenario.edges.size };
}

export function stop() {
  clearInterval(timer);
  timer = null;
}
