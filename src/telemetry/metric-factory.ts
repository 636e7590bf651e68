import {
  Counter,
  type CounterConfiguration,
  Histogram,
  type HistogramConfiguration,
  type Registry,
} from 'prom-client';

/**
 * The one way to define a metric: every counter and histogram of the bot is created here, on
 * the registry /metrics serves, and a name defined twice is refused instead of silently shared.
 */
export interface MetricFactory {
  counter<L extends string = never>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L>;
  histogram<L extends string = never>(
    config: Omit<HistogramConfiguration<L>, 'registers'>,
  ): Histogram<L>;
}

/** A factory defining metrics on `registry`; throws when a metric name is already registered. */
export function metricFactory(registry: Registry): MetricFactory {
  const claim = (name: string) => {
    if (registry.getSingleMetric(name)) {
      throw new Error(
        `metric ${name} is already registered: define each metric once (src/telemetry) and pass it to whoever counts`,
      );
    }
  };
  return {
    counter(config) {
      claim(config.name);
      return new Counter({ ...config, registers: [registry] });
    },
    histogram(config) {
      claim(config.name);
      return new Histogram({ ...config, registers: [registry] });
    },
  };
}
