/** The value types a command argument or flag may declare in `commands/<verb>.yml`. */
export const VALUE_TYPES = [
  'string',
  'int',
  'boolean',
  'service',
  'environment',
  'version',
  'duration',
  'enum',
  'verb',
  'service-or-incident',
] as const;
export type ValueType = (typeof VALUE_TYPES)[number];

const DURATION = /^(?:(\d{1,4})w)?(?:(\d{1,4})d)?(?:(\d{1,4})h)?(?:(\d{1,5})m)?(?:(\d{1,6})s)?$/;
const UNIT_SECONDS = [604_800, 86_400, 3_600, 60, 1];
const SEMVER = /^v?\d{1,6}\.\d{1,6}\.\d{1,6}(?:-[0-9A-Za-z][0-9A-Za-z.-]*)?(?:\+[0-9A-Za-z.-]+)?$/;
const DIGEST_REF =
  /^[a-z0-9][a-z0-9._/-]*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?@sha256:[a-f0-9]{64}$/;
const INT = /^[+-]?\d{1,15}$/;
const INCIDENT_ID = /^[PQ][A-Z0-9]{5,19}$/;
const INCIDENT_URL =
  /^<?https:\/\/[a-z0-9-]+\.pagerduty\.com\/incidents\/([A-Z0-9]{6,20})(?:[/?#][^>]*)?>?$/;

/** Human wording of what each type accepts, used in error messages and help. */
export const EXPECTED: Record<ValueType, string> = {
  string: 'some text',
  int: 'a whole number, like `3`',
  boolean: '`true` or `false`',
  service: 'a service from the catalog',
  environment: 'an environment from the catalog',
  version: 'a release like `v1.4.2` or an image digest like `registry/app@sha256:<64 hex>`',
  duration: 'a duration like `30s`, `5m`, `1h30m` or `7d`',
  enum: 'one of the listed values',
  verb: 'a command name',
  'service-or-incident':
    'a service from the catalog or a PagerDuty incident id like `Q2W3E4R5T6Y7U8`',
};

/** Seconds in a duration such as `1h30m`; undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim().toLowerCase());
  if (!match || text.trim() === '') return undefined;
  let seconds = 0;
  for (let i = 0; i < UNIT_SECONDS.length; i++) {
    const part = match[i + 1];
    if (part !== undefined) seconds += Number(part) * (UNIT_SECONDS[i] ?? 0);
  }
  return seconds > 0 ? seconds : undefined;
}

/** Whether text is a release version (`v1.4.2`, `1.4.2-rc.1`) or a digest-pinned image. */
export function isVersion(text: string): boolean {
  return SEMVER.test(text) || DIGEST_REF.test(text);
}

/** A whole number, or undefined when the text is anything else. */
export function parseInt10(text: string): number | undefined {
  return INT.test(text) ? Number(text) : undefined;
}

/** `true`/`false` (and yes/no, on/off), or undefined. */
export function parseBoolean(text: string): boolean | undefined {
  const lower = text.toLowerCase();
  if (['true', 'yes', 'on', '1'].includes(lower)) return true;
  if (['false', 'no', 'off', '0'].includes(lower)) return false;
  return undefined;
}

/** A PagerDuty incident id from an id or an incident URL (as Slack wraps it in `<>`). */
export function parseIncidentId(text: string): string | undefined {
  if (INCIDENT_ID.test(text)) return text;
  return INCIDENT_URL.exec(text)?.[1];
}

export type ScalarValue = string | number | boolean;

/**
 * Converts text for a catalog-independent type. Returns `undefined` when the text does not
 * fit; service, environment, verb and service-or-incident are checked by the parser instead.
 */
export function convertValue(
  type: ValueType,
  text: string,
  values: readonly string[] = [],
): ScalarValue | undefined {
  switch (type) {
    case 'int':
      return parseInt10(text);
    case 'boolean':
      return parseBoolean(text);
    case 'duration':
      return parseDuration(text);
    case 'version':
      return isVersion(text) ? text : undefined;
    case 'enum':
      return values.find((v) => v.toLowerCase() === text.toLowerCase());
    default:
      return text;
  }
}
