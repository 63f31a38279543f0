import { commonMetrics, type DeviceType, type MetricSpec } from './types.ts';

/** The sync lookup the ingest hot path needs: a metric's unit and valid range for a device type. */
export type MetricLookup = (type: string, metric: string) => MetricSpec | undefined;

/**
 * This node's copy of the device types table (感知设备类型). Ingest checks every reading against it, so it is
 * in memory and synchronous; the type service replaces it after every change here, and on the change signal
 * from another node.
 */
export class DeviceTypeCatalog {
  private types = new Map<string, DeviceType>();

  replace(types: DeviceType[]): void {
    this.types = new Map(types.map((t) => [t.code, t]));
  }

  get(code: string): DeviceType | undefined {
    return this.types.get(code);
  }

  all(): DeviceType[] {
    return [...this.types.values()].sort((a, b) => a.code.localeCompare(b.code));
  }

  codes(): string[] {
    return [...this.types.keys()].sort();
  }

  /** Own metrics first, then battery/rssi every device may report; undefined if unknown. */
  readonly metricSpec: MetricLookup = (type, metric) => this.types.get(type)?.metrics[metric] ?? commonMetrics[metric];

  /** seconds between reports of a type (a device silent for 3 of them counts as offline); 300 for an unknown type */
  intervalOf(type: string): number {
    return this.types.get(type)?.intervalS ?? 300;
  }
}
