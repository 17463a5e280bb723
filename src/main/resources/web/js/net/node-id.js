// Node ids: the one place the browser knows their grammar (docs/protocol.md, "Node ids"; the server writes them in
// resolve/RequestResolver and graph/TrafficGraph). Everywhere else an id is an opaque string: a Map key, an edge's
// end, a hop. Only a node the page has not been told about yet (an edge or event that raced ahead of its node) is
// described from its id, here.
//
//   proxy:<server>/<proxy>                              a proxy or a gateway (the id does not say which)
//   service:<server>/<service name without @provider>
//   external:<server>/<network>                         every public caller of that group, one node
//   unrecognised:<server>/<network>/<address>           one per private address, up to a cap per group, then
//   unrecognised:<server>/<network>/other               the rest of that group
//   overflow:<server>                                   past the server's node cap, everything new of that server

export const NODE_KINDS = ['proxy', 'gateway', 'service', 'external', 'unrecognised'];

/** The prefix of each kind of id, before the ':'. */
export const ID_PREFIXES = ['proxy', 'service', 'external', 'unrecognised', 'overflow'];

/** Labels the server gives the nodes that stand for many callers (so a placeholder reads the same). */
const EXTERNAL_LABEL = 'external callers';
const OTHER_UNRECOGNISED_LABEL = 'other unrecognised callers';
const OVERFLOW_LABEL = 'other (cap reached)';

export function proxyId(server, proxy) {
  return `proxy:${server}/${proxy}`;
}

export function serviceId(server, service) {
  return `service:${server}/${service}`;
}

export function externalId(server, network) {
  return `external:${server}/${network}`;
}

export function unrecognisedId(server, network, address) {
  return `unrecognised:${server}/${network}/${address}`;
}

export function overflowId(server) {
  return `overflow:${server}`;
}

/**
 * What an id says about its node: {prefix, kind, server, network, name, label}, or null when `id` is not one of the
 * forms above. `kind` is the node kind to assume (a proxy id may turn out to be a gateway; an overflow node is drawn
 * as unrecognised, as the server describes it); `network` is '' when the id does not carry it (proxies, services,
 * overflow); `name` is the part after the server (proxy or service name, network, address; '' for overflow).
 */
export function parseNodeId(id) {
  if (typeof id !== 'string') return null;
  const colon = id.indexOf(':');
  if (colon <= 0) return null;
  const prefix = id.slice(0, colon);
  const rest = id.slice(colon + 1);
  if (prefix === 'overflow') {
    return rest ? { prefix, kind: 'unrecognised', server: rest, network: '', name: '', label: OVERFLOW_LABEL } : null;
  }
  const slash = rest.indexOf('/');
  if (slash <= 0) return null;
  const server = rest.slice(0, slash);
  const tail = rest.slice(slash + 1);
  switch (prefix) {
    case 'proxy':
    case 'service':
      return tail ? { prefix, kind: prefix, server, network: '', name: tail, label: tail } : null;
    case 'external':
      return { prefix, kind: 'external', server, network: tail, name: tail, label: EXTERNAL_LABEL };
    case 'unrecognised': {
      // The address comes last and may hold anything but a '/'; IPv6 addresses hold ':' (the first ':' is ours).
      const cut = tail.lastIndexOf('/');
      if (cut < 0) return null;
      const address = tail.slice(cut + 1);
      if (!address) return null;
      const label = address === 'other' ? OTHER_UNRECOGNISED_LABEL : address;
      return { prefix, kind: 'unrecognised', server, network: tail.slice(0, cut), name: address, label };
    }
    default:
      return null;
  }
}
