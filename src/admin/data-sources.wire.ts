import type {
  CodeableConceptRow,
  DataSourceRecord,
  DataSourceRow,
  SupportedScopeRecord,
} from '../domain/data-sources';

/** API.md C.6 `CodeableConcept`. */
export function codeableConceptWire(scope: CodeableConceptRow) {
  return { id: scope.id, codingSystem: scope.codingSystem, codingCode: scope.codingCode, text: scope.text };
}

/** A data source without its scopes, as nested in link rows (C.5, C.6). */
export function dataSourceSummaryWire(dataSource: DataSourceRow) {
  return { id: dataSource.id, name: dataSource.name, type: dataSource.type };
}

/** API.md C.6 `DataSource`, always with `supportedScopes`. */
export function dataSourceWire(record: DataSourceRecord) {
  return {
    ...dataSourceSummaryWire(record.dataSource),
    supportedScopes: record.supportedScopes.map(codeableConceptWire),
  };
}

/** C.6 `GET /data_sources/{id}/supported_scopes` row. */
export function supportedScopeWire(record: SupportedScopeRecord) {
  return {
    id: record.id,
    dataSource: dataSourceSummaryWire(record.dataSource),
    scopeCode: codeableConceptWire(record.scopeCode),
  };
}
