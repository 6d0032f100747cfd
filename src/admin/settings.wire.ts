import type { SettingRecord } from '../domain/settings';

/** API.md C.10 setting object: the typed `resolvedValue`, never the stored text. */
export function settingWire(record: SettingRecord) {
  return {
    id: record.id,
    key: record.key,
    valueType: record.valueType,
    resolvedValue: record.resolvedValue,
    lastUpdated: record.lastUpdated,
  };
}
