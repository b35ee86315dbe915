// A QR code as an image data URL (img-src allows data:).
import qrcode from 'qrcode-generator';

export function qrDataUrl(text, cell = 4) {
	const qr = qrcode(0, 'M');
	qr.addData(text);
	qr.make();
	return qr.createDataURL(cell, 2);
}
