import { z } from 'zod';

/** Series labels as Prometheus returns them (`__name__` included when present). */
export const Labels = z.record(z.string(), z.string());
export type Labels = z.infer<typeof Labels>;

/** A sample value: Prometheus sends numbers as strings, with NaN, +Inf and -Inf spelled out. */
export const SampleValue = z.string().transform((text, ctx) => {
  if (text === 'NaN') return Number.NaN;
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  const value = Number(text);
  if (text.trim() === '' || Number.isNaN(value)) {
    ctx.addIssue({ code: 'custom', message: `not a sample value: ${JSON.stringify(text)}` });
    return z.NEVER;
  }
  return value;
});

/** One `[unixSeconds, "value"]` pair, read as `{ time, value }`. */
export const Sample = z
  .tuple([z.number(), SampleValue])
  .transform(([time, value]) => ({ time, value }));
export type Sample = z.infer<typeof Sample>;

const VectorResult = z
  .object({
    resultType: z.literal('vector'),
    result: z.array(z.object({ metric: Labels, value: Sample })),
  })
  .transform((data) => ({
    type: 'vector' as const,
    series: data.result.map((s) => ({ labels: s.metric, ...s.value })),
  }));

const MatrixResult = z
  .object({
    resultType: z.literal('matrix'),
    result: z.array(z.object({ metric: Labels, values: z.array(Sample) })),
  })
  .transform((data) => ({
    type: 'matrix' as const,
    series: data.result.map((s) => ({ labels: s.metric, samples: s.values })),
  }));

const ScalarResult = z
  .object({ resultType: z.literal('scalar'), result: Sample })
  .transform((data) => ({ type: 'scalar' as const, ...data.result }));

const StringResult = z
  .object({ resultType: z.literal('string'), result: z.tuple([z.number(), z.string()]) })
  .transform((data) => ({
    type: 'string' as const,
    time: data.result[0],
    value: data.result[1],
  }));

/**
 * The `data` of a query answer, as a typed result. An empty vector or matrix is
 * `{ type, series: [] }`: never undefined, so callers must decide what "no data" means.
 */
export const QueryResult = z.discriminatedUnion('resultType', [
  VectorResult,
  MatrixResult,
  ScalarResult,
  StringResult,
]);
export type QueryResult = z.infer<typeof QueryResult>;
export type VectorResult = Extract<QueryResult, { type: 'vector' }>;
export type MatrixResult = Extract<QueryResult, { type: 'matrix' }>;

/** The envelope of every /api/v1 answer, success or error. */
export const ApiEnvelope = z.object({
  status: z.enum(['success', 'error']),
  data: z.unknown().optional(),
  errorType: z.string().optional(),
  error: z.string().optional(),
  warnings: z.array(z.string()).optional(),
});
export type ApiEnvelope = z.infer<typeof ApiEnvelope>;

/** One alert from GET /api/v1/alerts (the rule evaluator's view, before Alertmanager). */
export const PrometheusAlert = z.object({
  labels: Labels,
  annotations: Labels.default({}),
  state: z.string(),
  activeAt: z.string().optional(),
  value: SampleValue.optional(),
});
export type PrometheusAlert = z.infer<typeof PrometheusAlert>;

/** The `data` of GET /api/v1/alerts. */
export const AlertsData = z.object({ alerts: z.array(PrometheusAlert) });
export type AlertsData = z.infer<typeof AlertsData>;
