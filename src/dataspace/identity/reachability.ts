/**
 * A did:web names a host; when that host is loopback (localhost, 127.x, ::1) or unspecified, no other machine can
 * resolve the DID, so peers elsewhere can neither verify this participant's tokens nor find its endpoints.
 */
export function isLocalOnlyHost(hostPort: string): boolean {
  let hostname: string;
  try {
    hostname = new URL(`https://${hostPort}`).hostname.toLowerCase();
  } catch {
    return false;
  }
  const bare = hostname.replace(/^\[|\]$/g, '');
  return (
    bare === 'localhost' ||
    bare.endsWith('.localhost') ||
    /^127(\.\d{1,3}){3}$/.test(bare) ||
    bare === '0.0.0.0' ||
    bare === '::1' ||
    bare === '::'
  );
}

/** The operator's warning for a DID bound to such a host, or undefined when others can reach it. */
export function unreachableDidWarning(did: string, hostPort: string): string | undefined {
  if (!isLocalOnlyHost(hostPort)) return undefined;
  return `${did} is bound to ${hostPort}, which other machines cannot reach: peers elsewhere cannot resolve it (set --host or the host key to a public name)`;
}
