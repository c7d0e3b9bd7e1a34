package dev.heartbeatstore.testsupport.servers;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

/**
 * An Ed25519 key pair for sqld's JWT authentication, made with the JDK alone: give
 * {@link #publicKey()} to sqld as {@code SQLD_AUTH_JWT_KEY}, sign tokens with {@link #token(Instant)}.
 */
public final class JwtKeys {

  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  private final KeyPair pair;

  private JwtKeys(KeyPair pair) {
    this.pair = pair;
  }

  /**
   * A new random key pair.
   *
   * @return the keys
   * @throws IllegalStateException when the JDK cannot make Ed25519 keys
   */
  public static JwtKeys generate() {
    try {
      return new JwtKeys(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot make Ed25519 keys", e);
    }
  }

  /**
   * The raw 32-byte public key, URL-safe base64 without padding: the value of {@code SQLD_AUTH_JWT_KEY}.
   *
   * @return the encoded public key
   */
  public String publicKey() {
    byte[] x509 = pair.getPublic().getEncoded();
    // X.509 SubjectPublicKeyInfo for Ed25519 is a fixed 12-byte header followed by the raw key.
    return URL.encodeToString(Arrays.copyOfRange(x509, x509.length - 32, x509.length));
  }

  /**
   * A signed EdDSA JWT with full access that expires at {@code expires}.
   *
   * @param expires the {@code exp} claim, truncated to whole seconds; may be in the past
   * @return the token
   */
  public String token(Instant expires) {
    return sign("{\"exp\":" + expires.getEpochSecond() + "}");
  }

  /**
   * A signed EdDSA JWT with the given claims.
   *
   * @param claimsJson the payload, a JSON object; not checked
   * @return the token: header, payload and signature, URL-safe base64, dot-separated
   * @throws IllegalStateException when the JDK cannot sign with Ed25519
   */
  public String sign(String claimsJson) {

    String header = URL.encodeToString("{\"alg\":\"EdDSA\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String payload = URL.encodeToString(claimsJson.getBytes(StandardCharsets.UTF_8));
    String signingInput = header + "." + payload;
    try {
      Signature signature = Signature.getInstance("Ed25519");
      signature.initSign(pair.getPrivate());
      signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + URL.encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a JWT", e);
    }
  }
}
