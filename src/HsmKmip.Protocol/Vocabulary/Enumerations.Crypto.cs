// Data from the OASIS KMIP Specifications 1.0-2.1 (tag table: KMIP 1.4 §9.1.3.1 and KMIP 2.1 §11;
// enumerations: KMIP 1.4 §9.1.3.2 and KMIP 2.1 §11). Persisted numbers: never renumber.

namespace HsmKmip.Protocol.Vocabulary;

// Enumerations of cryptographic algorithms, modes and parameters. Member names are the OASIS XML names;
// "// 1.x" groups give the KMIP version that introduced the values below them.

/// <summary>KMIP enumeration carried by: Cryptographic Algorithm.</summary>
public enum CryptographicAlgorithm : uint
{
    // 1.0
    DES = 0x00000001,
    DES3 = 0x00000002, // "3DES"
    AES = 0x00000003,
    RSA = 0x00000004,
    DSA = 0x00000005,
    ECDSA = 0x00000006,
    HMAC_SHA1 = 0x00000007, // "HMAC-SHA1"
    HMAC_SHA224 = 0x00000008, // "HMAC-SHA224"
    HMAC_SHA256 = 0x00000009, // "HMAC-SHA256"
    HMAC_SHA384 = 0x0000000A, // "HMAC-SHA384"
    HMAC_SHA512 = 0x0000000B, // "HMAC-SHA512"
    HMAC_MD5 = 0x0000000C, // "HMAC-MD5"
    DH = 0x0000000D,
    ECDH = 0x0000000E,
    ECMQV = 0x0000000F,
    Blowfish = 0x00000010,
    Camellia = 0x00000011,
    CAST5 = 0x00000012,
    IDEA = 0x00000013,
    MARS = 0x00000014,
    RC2 = 0x00000015,
    RC4 = 0x00000016,
    RC5 = 0x00000017,
    SKIPJACK = 0x00000018,
    Twofish = 0x00000019,
    // 1.2
    EC = 0x0000001A,
    // 1.3
    OneTimePad = 0x0000001B,
    // 1.4
    ChaCha20 = 0x0000001C,
    Poly1305 = 0x0000001D,
    ChaCha20Poly1305 = 0x0000001E,
    SHA3_224 = 0x0000001F, // "SHA3-224"
    SHA3_256 = 0x00000020, // "SHA3-256"
    SHA3_384 = 0x00000021, // "SHA3-384"
    SHA3_512 = 0x00000022, // "SHA3-512"
    HMAC_SHA3_224 = 0x00000023, // "HMAC-SHA3-224"
    HMAC_SHA3_256 = 0x00000024, // "HMAC-SHA3-256"
    HMAC_SHA3_384 = 0x00000025, // "HMAC-SHA3-384"
    HMAC_SHA3_512 = 0x00000026, // "HMAC-SHA3-512"
    SHAKE_128 = 0x00000027, // "SHAKE-128"
    SHAKE_256 = 0x00000028, // "SHAKE-256"
    // 2.0
    ARIA = 0x00000029,
    SEED = 0x0000002A,
    SM2 = 0x0000002B,
    SM3 = 0x0000002C,
    SM4 = 0x0000002D,
    GOSTR34_10_2012 = 0x0000002E, // "GOST R 34.10-2012"
    GOSTR34_11_2012 = 0x0000002F, // "GOST R 34.11-2012"
    GOSTR34_13_2015 = 0x00000030, // "GOST R 34.13-2015"
    GOST28147_89 = 0x00000031, // "GOST 28147-89"
    XMSS = 0x00000032,
    SPHINCS_256 = 0x00000033, // "SPHINCS-256"
    McEliece = 0x00000034,
    McEliece_6960119 = 0x00000035, // "McEliece-6960119"
    McEliece_8192128 = 0x00000036, // "McEliece-8192128"
    Ed25519 = 0x00000037,
    Ed448 = 0x00000038,
}

/// <summary>KMIP enumeration carried by: Block Cipher Mode.</summary>
public enum BlockCipherMode : uint
{
    // 1.0
    CBC = 0x00000001,
    ECB = 0x00000002,
    PCBC = 0x00000003,
    CFB = 0x00000004,
    OFB = 0x00000005,
    CTR = 0x00000006,
    CMAC = 0x00000007,
    CCM = 0x00000008,
    GCM = 0x00000009,
    CBC_MAC = 0x0000000A, // "CBC-MAC"
    XTS = 0x0000000B,
    AESKeyWrapPadding = 0x0000000C,
    NISTKeyWrap = 0x0000000D,
    X9_102AESKW = 0x0000000E, // "X9.102 AESKW"
    X9_102TDKW = 0x0000000F, // "X9.102 TDKW"
    X9_102AKW1 = 0x00000010, // "X9.102 AKW1"
    X9_102AKW2 = 0x00000011, // "X9.102 AKW2"
    // 1.4
    AEAD = 0x00000012,
}

/// <summary>KMIP enumeration carried by: Padding Method.</summary>
public enum PaddingMethod : uint
{
    // 1.0
    None = 0x00000001,
    OAEP = 0x00000002,
    PKCS5 = 0x00000003,
    SSL3 = 0x00000004,
    Zeros = 0x00000005,
    ANSIX9_23 = 0x00000006, // "ANSI X9.23"
    ISO10126 = 0x00000007,
    PKCS1V1_5 = 0x00000008, // "PKCS1 v1.5"
    X9_31 = 0x00000009, // "X9.31"
    PSS = 0x0000000A,
}

/// <summary>KMIP enumeration carried by: Hashing Algorithm, Mask Generator Hashing Algorithm.</summary>
public enum HashingAlgorithm : uint
{
    // 1.0
    MD2 = 0x00000001,
    MD4 = 0x00000002,
    MD5 = 0x00000003,
    SHA_1 = 0x00000004, // "SHA-1"
    SHA_224 = 0x00000005, // "SHA-224"
    SHA_256 = 0x00000006, // "SHA-256"
    SHA_384 = 0x00000007, // "SHA-384"
    SHA_512 = 0x00000008, // "SHA-512"
    RIPEMD_160 = 0x00000009, // "RIPEMD-160"
    Tiger = 0x0000000A,
    Whirlpool = 0x0000000B,
    // 1.2
    SHA_512_224 = 0x0000000C, // "SHA-512/224"
    SHA_512_256 = 0x0000000D, // "SHA-512/256"
    // 1.4
    SHA3_224 = 0x0000000E, // "SHA3-224"
    SHA3_256 = 0x0000000F, // "SHA3-256"
    SHA3_384 = 0x00000010, // "SHA3-384"
    SHA3_512 = 0x00000011, // "SHA3-512"
}

/// <summary>KMIP enumeration carried by: Key Role Type.</summary>
public enum KeyRoleType : uint
{
    // 1.0
    BDK = 0x00000001,
    CVK = 0x00000002,
    DEK = 0x00000003,
    MKAC = 0x00000004,
    MKSMC = 0x00000005,
    MKSMI = 0x00000006,
    MKDAC = 0x00000007,
    MKDN = 0x00000008,
    MKCP = 0x00000009,
    MKOTH = 0x0000000A,
    KEK = 0x0000000B,
    MAC16609 = 0x0000000C,
    MAC97971 = 0x0000000D,
    MAC97972 = 0x0000000E,
    MAC97973 = 0x0000000F,
    MAC97974 = 0x00000010,
    MAC97975 = 0x00000011,
    ZPK = 0x00000012,
    PVKIBM = 0x00000013,
    PVKPVV = 0x00000014,
    PVKOTH = 0x00000015,
    // 1.4
    DUKPT = 0x00000016,
    IV = 0x00000017,
    TRKBK = 0x00000018,
}

/// <summary>KMIP enumeration carried by: Digital Signature Algorithm.</summary>
public enum DigitalSignatureAlgorithm : uint
{
    // 1.1
    MD2WithRSAEncryption = 0x00000001, // "MD2 with RSA Encryption"
    MD5WithRSAEncryption = 0x00000002, // "MD5 with RSA Encryption"
    SHA_1WithRSAEncryption = 0x00000003, // "SHA-1 with RSA Encryption"
    SHA_224WithRSAEncryption = 0x00000004, // "SHA-224 with RSA Encryption"
    SHA_256WithRSAEncryption = 0x00000005, // "SHA-256 with RSA Encryption"
    SHA_384WithRSAEncryption = 0x00000006, // "SHA-384 with RSA Encryption"
    SHA_512WithRSAEncryption = 0x00000007, // "SHA-512 with RSA Encryption"
    RSASSA_PSS = 0x00000008, // "RSASSA-PSS"
    DSAWithSHA_1 = 0x00000009, // "DSA with SHA-1"
    DSAWithSHA224 = 0x0000000A, // "DSA with SHA224"
    DSAWithSHA256 = 0x0000000B, // "DSA with SHA256"
    ECDSAWithSHA_1 = 0x0000000C, // "ECDSA with SHA-1"
    ECDSAWithSHA224 = 0x0000000D, // "ECDSA with SHA224"
    ECDSAWithSHA256 = 0x0000000E, // "ECDSA with SHA256"
    ECDSAWithSHA384 = 0x0000000F, // "ECDSA with SHA384"
    ECDSAWithSHA512 = 0x00000010, // "ECDSA with SHA512"
    // 1.4
    SHA3_256WithRSAEncryption = 0x00000011, // "SHA3-256 with RSA Encryption"
    SHA3_384WithRSAEncryption = 0x00000012, // "SHA3-384 with RSA Encryption"
    SHA3_512WithRSAEncryption = 0x00000013, // "SHA3-512 with RSA Encryption"
}

/// <summary>KMIP enumeration carried by: Derivation Method.</summary>
public enum DerivationMethod : uint
{
    // 1.0
    PBKDF2 = 0x00000001,
    HASH = 0x00000002,
    HMAC = 0x00000003,
    ENCRYPT = 0x00000004,
    NIST800_108_C = 0x00000005, // "NIST800-108-C"
    NIST800_108_F = 0x00000006, // "NIST800-108-F"
    NIST800_108_DPI = 0x00000007, // "NIST800-108-DPI"
    // 1.4
    AsymmetricKey = 0x00000008,
    // 2.0
    AWSSignatureVersion4 = 0x00000009,
    HKDF = 0x0000000A,
}

/// <summary>KMIP enumeration carried by: Recommended Curve.</summary>
public enum RecommendedCurve : uint
{
    // 1.0
    P_192 = 0x00000001, // "P-192"
    K_163 = 0x00000002, // "K-163"
    B_163 = 0x00000003, // "B-163"
    P_224 = 0x00000004, // "P-224"
    K_233 = 0x00000005, // "K-233"
    B_233 = 0x00000006, // "B-233"
    P_256 = 0x00000007, // "P-256"
    K_283 = 0x00000008, // "K-283"
    B_283 = 0x00000009, // "B-283"
    P_384 = 0x0000000A, // "P-384"
    K_409 = 0x0000000B, // "K-409"
    B_409 = 0x0000000C, // "B-409"
    P_521 = 0x0000000D, // "P-521"
    K_571 = 0x0000000E, // "K-571"
    B_571 = 0x0000000F, // "B-571"
    // 1.2
    SECP112R1 = 0x00000010,
    SECP112R2 = 0x00000011,
    SECP128R1 = 0x00000012,
    SECP128R2 = 0x00000013,
    SECP160K1 = 0x00000014,
    SECP160R1 = 0x00000015,
    SECP160R2 = 0x00000016,
    SECP192K1 = 0x00000017,
    SECP224K1 = 0x00000018,
    SECP256K1 = 0x00000019,
    SECT113R1 = 0x0000001A,
    SECT113R2 = 0x0000001B,
    SECT131R1 = 0x0000001C,
    SECT131R2 = 0x0000001D,
    SECT163R1 = 0x0000001E,
    SECT193R1 = 0x0000001F,
    SECT193R2 = 0x00000020,
    SECT239K1 = 0x00000021,
    ANSIX9P192V2 = 0x00000022,
    ANSIX9P192V3 = 0x00000023,
    ANSIX9P239V1 = 0x00000024,
    ANSIX9P239V2 = 0x00000025,
    ANSIX9P239V3 = 0x00000026,
    ANSIX9C2PNB163V1 = 0x00000027,
    ANSIX9C2PNB163V2 = 0x00000028,
    ANSIX9C2PNB163V3 = 0x00000029,
    ANSIX9C2PNB176V1 = 0x0000002A,
    ANSIX9C2TNB191V1 = 0x0000002B,
    ANSIX9C2TNB191V2 = 0x0000002C,
    ANSIX9C2TNB191V3 = 0x0000002D,
    ANSIX9C2PNB208W1 = 0x0000002E,
    ANSIX9C2TNB239V1 = 0x0000002F,
    ANSIX9C2TNB239V2 = 0x00000030,
    ANSIX9C2TNB239V3 = 0x00000031,
    ANSIX9C2PNB272W1 = 0x00000032,
    ANSIX9C2PNB304W1 = 0x00000033,
    ANSIX9C2TNB359V1 = 0x00000034,
    ANSIX9C2PNB368W1 = 0x00000035,
    ANSIX9C2TNB431R1 = 0x00000036,
    BRAINPOOLP160R1 = 0x00000037,
    BRAINPOOLP160T1 = 0x00000038,
    BRAINPOOLP192R1 = 0x00000039,
    BRAINPOOLP192T1 = 0x0000003A,
    BRAINPOOLP224R1 = 0x0000003B,
    BRAINPOOLP224T1 = 0x0000003C,
    BRAINPOOLP256R1 = 0x0000003D,
    BRAINPOOLP256T1 = 0x0000003E,
    BRAINPOOLP320R1 = 0x0000003F,
    BRAINPOOLP320T1 = 0x00000040,
    BRAINPOOLP384R1 = 0x00000041,
    BRAINPOOLP384T1 = 0x00000042,
    BRAINPOOLP512R1 = 0x00000043,
    BRAINPOOLP512T1 = 0x00000044,
    // 2.0
    CURVE25519 = 0x00000045,
    CURVE448 = 0x00000046,
}

/// <summary>KMIP enumeration carried by: Mask Generator.</summary>
public enum MaskGenerator : uint
{
    // 1.4
    MGF1 = 0x00000001,
}

/// <summary>KMIP enumeration carried by: RNG Algorithm.</summary>
public enum RNGAlgorithm : uint
{
    // 1.3
    Unspecified = 0x00000001,
    FIPS186_2 = 0x00000002, // "FIPS 186-2"
    DRBG = 0x00000003,
    NRBG = 0x00000004,
    ANSIX9_31 = 0x00000005, // "ANSI X9.31"
    ANSIX9_62 = 0x00000006, // "ANSI X9.62"
}

/// <summary>KMIP enumeration carried by: DRBG Algorithm.</summary>
public enum DRBGAlgorithm : uint
{
    // 1.3
    Unspecified = 0x00000001,
    DualEC = 0x00000002, // "Dual-EC"
    Hash = 0x00000003,
    HMAC = 0x00000004,
    CTR = 0x00000005,
}

/// <summary>KMIP enumeration carried by: FIPS186 Variation.</summary>
public enum FIPS186Variation : uint
{
    // 1.3
    Unspecified = 0x00000001,
    GPXOriginal = 0x00000002, // "GP x-Original"
    GPXChangeNotice = 0x00000003, // "GP x-Change Notice"
    XOriginal = 0x00000004, // "x-Original"
    XChangeNotice = 0x00000005, // "x-Change Notice"
    KOriginal = 0x00000006, // "k-Original"
    KChangeNotice = 0x00000007, // "k-Change Notice"
}

/// <summary>KMIP enumeration carried by: RNG Mode.</summary>
public enum RNGMode : uint
{
    // 1.3
    Unspecified = 0x00000001,
    SharedInstantiation = 0x00000002,
    NonSharedInstantiation = 0x00000003, // "Non-Shared Instantiation"
}
