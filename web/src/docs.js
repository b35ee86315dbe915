// /docs: the API reference, rendered by Swagger UI from the bundled openapi.yaml.
/* global SwaggerUIBundle */
window.addEventListener('DOMContentLoaded', () => {
	window.ui = SwaggerUIBundle({
		url: '/openapi.yaml',
		dom_id: '#docs',
		deepLinking: true,
		tryItOutEnabled: false,
		validatorUrl: null,
	});
});
