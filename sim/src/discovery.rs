//! Discovery documents: /version, /api, /apis (aggregated apidiscovery.k8s.io/v2 and the
//! legacy forms), /api/v1 and /apis/<group>/<version> resource lists.
