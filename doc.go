// Package igny8 holds the domain types shared by every part of IGNY8 Sites
// and the Error type whose codes the adapters translate to and from.
//
// It imports only the standard library; adapters (builder, storage, api, …)
// import it, never the other way round.
package igny8
