// /docs: the API reference, rendered by Swagger UI from the bundled openapi.yaml.
/* global SwaggerUIBundle */
window.addEventListener('DOMContentLoaded', () => {
	window.ui = SwaggerUIBundle({
		url: '/openapi.yaml',
		dom_id: '#docs',
		deepLinking: false,
		tryItOutEnabled: false,
		validatorUrl: null,
		onComplete: label,
	});
	// Swagger UI leaves its server picker without a name.
	new MutationObserver(label).observe(document.getElementById('docs'), { childList: true, subtree: true });
});

function label() {
	const s = document.getElementById('servers');
	if (s && !s.getAttribute('aria-label')) s.setAttribute('aria-label', 'Server');
}
