"""Service-type social assistance (服务类社会救助, DOMAIN R-P3, seed §13): the catalogue, providers and contracts,
orders, visits and the monthly settlement."""
