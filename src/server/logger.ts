import pino, { type Logger } from 'pino';

/**
 * Paths pino censors wherever they appear. PII must never reach a log file: the hotline records callers'
 * ID numbers and phones, and tokens in logs are stolen sessions.
 */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.password',
  '*.token',
  '*.idNumber',
  '*.phone',
  '*.mobile',
  '*.contactPhone',
  '*.reporterPhone',
  'password',
  'token',
  'idNumber',
  'phone',
];

// 18-digit resident ID (GB 11643) and mainland mobile numbers, caught in free text such as error messages.
const idPattern = /(?<!\d)\d{17}[\dXx](?!\d)/g;
const phonePattern = /(?<!\d)1[3-9]\d{9}(?!\d)/g;
const bearerPattern = /Bearer\s+[A-Za-z0-9._~+/-]+=*/g;

/** Masks ID numbers, phones and bearer tokens inside a free-text string. */
export function scrubText(text: string): string {
  // Percent-encoded text (a URL, a form body) is read decoded: in `%20110101…` the digit of the escape would
  // otherwise stand before the ID number and hide it from the digit-boundary patterns.
  const plain = text.includes('%') ? safeDecode(text) : text;
  return plain.replace(idPattern, '[id]').replace(phonePattern, '[phone]').replace(bearerPattern, 'Bearer [token]');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    // a malformed escape: decode what can be decoded, one escape at a time
    return text.replace(/(%[0-9A-Fa-f]{2})+/g, (m) => {
      try {
        return decodeURIComponent(m);
      } catch {
        return ' ';
      }
    });
  }
}

/**
 * Query parameters a request log may show: paging, filters and formats with short, fixed vocabularies. Any
 * other parameter can carry a citizen's text (`?text=`, `?q=`) or a secret (`?ticket=`, `?access_token=`), so
 * only its name is logged.
 */
const safeQueryParams = new Set(['page', 'pageSize', 'page_size', 'state', 'status', 'category', 'source', 'channel', 'grid', 'urgent', 'supervision', 'department', 'deviceId', 'type', 'level', 'kind', 'window', 'res', 'format', 'includeRevoked', 'subject', 'period', 'from', 'to', 'start_date', 'end_date', 'service_code', 'targetType']);

/** A URL as the request log keeps it: the path (scrubbed) and safe parameters; any other value is dropped. */
export function safeUrl(url: string): string {
  const q = url.indexOf('?');
  const path = scrubText(q === -1 ? url : url.slice(0, q));
  if (q === -1) return path;
  const kept: string[] = [];
  for (const pair of url.slice(q + 1).split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const name = safeDecode(eq === -1 ? pair : pair.slice(0, eq)).slice(0, 40);
    kept.push(safeQueryParams.has(name) && eq !== -1 ? `${name}=${scrubText(pair.slice(eq + 1)).slice(0, 80)}` : `${scrubText(name)}=[omitted]`);
  }
  return `${path}?${kept.join('&')}`;
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: redactPaths, censor: '[redacted]' },
      hooks: {
        logMethod(args, method) {
          // Free-text messages can carry what the path-based redaction cannot see.
          const scrubbed = args.map((a) => (typeof a === 'string' ? scrubText(a) : a)) as typeof args;
          method.apply(this, scrubbed);
        },
      },
      serializers: {
        err: (err: Error) => ({ type: err.name, message: scrubText(err.message), stack: err.stack ? scrubText(err.stack) : undefined }),
        // Only method, path (with safe parameters) and id: headers carry tokens and query strings carry search terms.
        req: (req: { method?: string; url?: string; id?: string }) => ({ method: req.method, url: typeof req.url === 'string' ? safeUrl(req.url) : undefined, id: req.id }),
      },
    },
    destination ?? prettyOnTerminal(),
  );
}

/** A person at a terminal reads pretty lines (pino-pretty); pipes, files and log shippers get JSON. Redaction runs before either. */
function prettyOnTerminal(): pino.DestinationStream | undefined {
  if (!process.stdout.isTTY) return undefined;
  return pino.transport({ target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss' } }) as pino.DestinationStream;
}
