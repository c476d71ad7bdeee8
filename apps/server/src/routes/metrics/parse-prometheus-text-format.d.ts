// The parser ships no types; this is the shape it returns (every value a string).
declare module "parse-prometheus-text-format" {
  interface Sample {
    value?: string;
    labels?: Record<string, string>;
    buckets?: Record<string, string>;
    count?: string;
    sum?: string;
  }
  interface MetricFamily {
    name: string;
    help: string;
    type: "COUNTER" | "GAUGE" | "HISTOGRAM" | "SUMMARY" | "UNTYPED";
    metrics: Sample[];
  }
  // biome-ignore lint/style/noDefaultExport: the package's own export is its default one.
  export default function parsePrometheusTextFormat(text: string): MetricFamily[];
}
