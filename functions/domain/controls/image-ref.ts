/** Container image references: where an image comes from, and whether policy trusts that place. */

export interface ImageRef {
  /** Registry host; Docker Hub (`docker.io`) when the reference names none. */
  host: string;
  /** host/path without tag or digest, e.g. `docker.io/library/nginx`. */
  repository: string;
}

export function parseImage(image: string): ImageRef {
  const noDigest = image.trim().split('@')[0] ?? '';
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  const name = colon > slash ? noDigest.slice(0, colon) : noDigest;
  const [first, ...rest] = name.split('/');
  const hasHost = rest.length > 0 && first !== undefined && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasHost) return { host: first.toLowerCase(), repository: `${first.toLowerCase()}/${rest.join('/')}` };
  const path = rest.length > 0 ? name : `library/${name}`;
  return { host: 'docker.io', repository: `docker.io/${path}` };
}

/** `<account>.dkr.ecr.<region>.amazonaws.com` (or .com.cn), any region. */
export const isOwnEcr = (host: string, account: string): boolean =>
  new RegExp(`^${account}\\.dkr\\.ecr(-fips)?\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?$`).test(host);

/** Glob: `*` is any run of characters within one path segment, `**` crosses segments. */
function globToRegExp(glob: string): RegExp {
  const body = glob
    .toLowerCase()
    .split('**')
    .map((part) => part.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

/**
 * Trusted when the host is the account's own ECR, or a policy glob matches the host, the repository, or a path
 * prefix of the repository (`ghcr.io/acme` trusts `ghcr.io/acme/app`).
 */
export function isTrustedImage(image: string, account: string, trustedRegistries: readonly string[]): boolean {
  const ref = parseImage(image);
  if (isOwnEcr(ref.host, account)) return true;
  return trustedRegistries.some((glob) => {
    const re = globToRegExp(glob.replace(/\/+$/, ''));
    if (re.test(ref.host) || re.test(ref.repository)) return true;
    const parts = ref.repository.split('/');
    return parts.some((_, i) => i > 0 && re.test(parts.slice(0, i).join('/')));
  });
}
