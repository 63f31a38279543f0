/** The device's position (browser geolocation); rejects when the user refuses or there is no fix in time. */
export function currentPosition(timeoutMs = 10_000): Promise<[number, number]> {
  return new Promise((resolve, reject) => {
    if (!('geolocation' in navigator)) return reject(new Error('no geolocation'));
    navigator.geolocation.getCurrentPosition(
      (p) => resolve([Number(p.coords.longitude.toFixed(6)), Number(p.coords.latitude.toFixed(6))]),
      (err) => reject(new Error(err.message)),
      { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 60_000 },
    );
  });
}
