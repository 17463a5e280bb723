/**
 * Values that more than one stage shares (the ingest side builds them, {@code publish} reads them). This package
 * imports nothing from {@code io.trafficviz}: it sits below every stage.
 */
package io.trafficviz.model;
