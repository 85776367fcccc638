package api

import "slices"

// table is every API operation, resource by resource. The OpenAPI
// document is generated from it, in this order.
func (s *server) table() []*route {
	return slices.Concat(
		s.authRoutes(),
		s.metaRoutes(),
		s.accountRoutes(),
		s.memberRoutes(),
		s.tokenRoutes(),
		s.siteRoutes(),
		s.sectorRoutes(),
		s.domainRoutes(),
		s.assetRoutes(),
		s.blueprintRoutes(),
		s.pageRoutes(),
		s.deployRoutes(),
		s.adminRoutes(),
		s.creditRoutes(),
		s.signupRoutes(),
		s.inviteRoutes(),
		s.pipelineRoutes(),
		s.integrationRoutes(),
		s.syncRoutes(),
		s.hookRoutes(),
	)
}
