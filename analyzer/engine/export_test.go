package engine

// InNamespace is inNamespace, for the external tests.
var InNamespace = inNamespace
