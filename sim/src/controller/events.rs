//! An event recorder like client-go's tools/record (core/v1 Events, aggregated by count).
