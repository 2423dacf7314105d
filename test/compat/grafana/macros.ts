/**
 * Grafana's PostgreSQL data source, reproduced for the dashboard test: the frontend's template
 * interpolation (@grafana/sql SqlDatasource.interpolateVariable) followed by the backend's macro
 * engine (pkg/tsdb/grafana-postgresql-datasource/macros.go, non-TimescaleDB branch), so the
 * test runs exactly the SQL Grafana would send.
 */
export interface TimeRange { fromMs: number; toMs: number }

/** Go's time.RFC3339Nano of a UTC time: fraction without trailing zeros, none when whole seconds. */
export function rfc3339Nano(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d*?)0*Z$/, (_m, f: string) => (f ? `.${f}Z` : 'Z'));
}

/** gtime.ParseInterval for the units dashboards use; returns seconds. */
export function parseInterval(text: string): number {
  const m = /^(\d+)(ms|s|m|h|d|w)$/.exec(text.trim());
  if (!m) throw new Error(`error parsing interval ${text}`);
  const unit: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
  return Number(m[1]) * unit[m[2]];
}

/** Go's %v of a float64 for the values an interval gives (integers and short decimals). */
const goFloat = (n: number): string => String(n);

function evaluate(name: string, args: string[], range: TimeRange): string {
  const need = (n: number): void => {
    if (args.length < n || args[0] === '') throw new Error(`missing arguments for macro ${name}`);
  };
  const fromS = Math.floor(range.fromMs / 1000);
  const toS = Math.floor(range.toMs / 1000);
  switch (name) {
    case '__time': need(1); return `${args[0]} AS "time"`;
    case '__timeEpoch': need(1); return `extract(epoch from ${args[0]}) as "time"`;
    case '__timeFilter': need(1); return `${args[0]} BETWEEN '${rfc3339Nano(range.fromMs)}' AND '${rfc3339Nano(range.toMs)}'`;
    case '__timeFrom': return `'${rfc3339Nano(range.fromMs)}'`;
    case '__timeTo': return `'${rfc3339Nano(range.toMs)}'`;
    case '__timeGroup': {
      need(2);
      const s = goFloat(parseInterval(args[1].replace(/^'+|'+$/g, '')));
      return `floor(extract(epoch from ${args[0]})/${s})*${s}`;
    }
    case '__timeGroupAlias': return `${evaluate('__timeGroup', args, range)} AS "time"`;
    case '__unixEpochFilter': need(1); return `${args[0]} >= ${fromS} AND ${args[0]} <= ${toS}`;
    case '__unixEpochNanoFilter': need(1); return `${args[0]} >= ${BigInt(range.fromMs) * 1_000_000n} AND ${args[0]} <= ${BigInt(range.toMs) * 1_000_000n}`;
    case '__unixEpochNanoFrom': return String(BigInt(range.fromMs) * 1_000_000n);
    case '__unixEpochNanoTo': return String(BigInt(range.toMs) * 1_000_000n);
    case '__unixEpochGroup': {
      need(2);
      const s = goFloat(parseInterval(args[1].replace(/^'+|'+$/g, '')));
      return `floor((${args[0]})/${s})*${s}`;
    }
    case '__unixEpochGroupAlias': return `${evaluate('__unixEpochGroup', args, range)} AS "time"`;
    default: throw new Error(`unknown macro "${name}"`);
  }
}

/** macros.go Interpolate: `\$([_a-zA-Z0-9]+)\(([^\)]*)\)`, with the pre-5.3 `$__timeGroup(…),` → alias rule. */
export function expandMacros(sql: string, range: TimeRange): string {
  return sql.replace(/\$([_a-zA-Z0-9]+)\(([^)]*)\)/g, (whole: string, name: string, argText: string) => {
    let macro = name;
    if (macro === '__timeGroup') {
      const at = sql.indexOf(whole);
      if (at >= 0 && sql[at + whole.length] === ',') macro = '__timeGroupAlias';
    }
    return evaluate(macro, argText.split(',').map((a) => a.trim()), range);
  });
}

export interface Variable { name: string; value: string | string[]; multi?: boolean; includeAll?: boolean }

/** SqlDatasource.interpolateVariable: single values with quotes doubled, multi/all values quoted and joined. */
function formatVariable(v: Variable): string {
  const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;
  if (Array.isArray(v.value)) return v.value.map(quote).join(',');
  return v.multi || v.includeAll ? quote(v.value) : v.value.replace(/'/g, "''");
}

/** templateSrv.replace for `$name`, `${name}` and `[[name]]`; unknown names are left alone, as Grafana does. */
export function interpolateVariables(sql: string, vars: Variable[]): string {
  const byName = new Map(vars.map((v) => [v.name, v]));
  return sql.replace(/\$(\w+)|\$\{(\w+)\}|\[\[(\w+)\]\]/g, (whole: string, a?: string, b?: string, c?: string) => {
    const v = byName.get((a ?? b ?? c) as string);
    return v ? formatVariable(v) : whole;
  });
}

/** What Grafana sends for a panel query: template variables in the frontend, then macros in the backend. */
export function grafanaSql(rawSql: string, range: TimeRange, vars: Variable[]): string {
  return expandMacros(interpolateVariables(rawSql, vars), range);
}
