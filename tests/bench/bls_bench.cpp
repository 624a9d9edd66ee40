// The cost of trusting a reply: one BLS signature check, and one full Certificate::verify of a
// certificate signed by tests/replica (parse, root hash, signature, freshness), plus the parts
// of a signature check, to see where the time goes.
#include <benchmark/benchmark.h>

#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>

#include "ic/bls.hpp"
#include "ic/bls12_381_g1.hpp"
#include "ic/bls12_381_g2.hpp"
#include "ic/bls12_381_hash_to_curve.hpp"
#include "ic/bls12_381_pairing.hpp"
#include "ic/certificate.hpp"
#include "ic/verified_signatures.hpp"
#include "replica_certificate.hpp"

namespace {

using namespace ic;

struct ReplicaCertificate {
    Bytes root_key_der;
    Bytes certificate;
    Principal canister;
};

ReplicaCertificate load() {
    std::map<std::string, std::string> fields = replica_certificate_fields();
    if (fields.size() < 3) throw std::runtime_error("replica_certificate.txt not found");
    return {from_hex(fields.at("root_key")), from_hex(fields.at("certificate")),
            Principal::from_text(fields.at("canister"))};
}

const ReplicaCertificate& fixture() {
    static const ReplicaCertificate data = load();
    return data;
}

Bytes state_root_message(const HashTree& tree) {
    Bytes message = to_bytes("\x0Dic-state-root");
    append(message, tree.digest());
    return message;
}

void BM_BlsVerify(benchmark::State& state) {
    const CertificateData data = parse_certificate(fixture().certificate);
    const ByteView key = ByteView(fixture().root_key_der).subspan(37);
    const Bytes message = state_root_message(data.tree);
    for (auto _ : state) {
        bool ok = bls_verify(key, data.signature, message);
        if (!ok) state.SkipWithError("the replica's signature did not verify");
        benchmark::DoNotOptimize(ok);
    }
}
BENCHMARK(BM_BlsVerify)->Unit(benchmark::kMillisecond);

// A certificate whose signature this process has not checked before.
void BM_CertificateVerify(benchmark::State& state) {
    const ReplicaCertificate& f = fixture();
    const std::uint64_t time = certificate_time(parse_certificate(f.certificate).tree);
    const TrustAnchor anchor{f.root_key_der, f.canister, time, 5ull * 60 * 1'000'000'000};
    for (auto _ : state) {
        verified_signatures().clear();
        Certificate certificate = Certificate::verify(f.certificate, anchor);
        benchmark::DoNotOptimize(certificate.time_ns());
    }
}
BENCHMARK(BM_CertificateVerify)->Unit(benchmark::kMillisecond);

// One whose signature it has: another answer from the same certified state.
void BM_CertificateVerifySignatureKnown(benchmark::State& state) {
    const ReplicaCertificate& f = fixture();
    const std::uint64_t time = certificate_time(parse_certificate(f.certificate).tree);
    const TrustAnchor anchor{f.root_key_der, f.canister, time, 5ull * 60 * 1'000'000'000};
    Certificate::verify(f.certificate, anchor);
    for (auto _ : state) {
        Certificate certificate = Certificate::verify(f.certificate, anchor);
        benchmark::DoNotOptimize(certificate.time_ns());
    }
}
BENCHMARK(BM_CertificateVerifySignatureKnown)->Unit(benchmark::kMicrosecond);

// The parts.
void BM_G2DecompressAndCheck(benchmark::State& state) {
    const ByteView key = ByteView(fixture().root_key_der).subspan(37);
    for (auto _ : state) benchmark::DoNotOptimize(bls12_381::g2_decompress(key));
}
BENCHMARK(BM_G2DecompressAndCheck)->Unit(benchmark::kMicrosecond);

void BM_G1DecompressAndCheck(benchmark::State& state) {
    const CertificateData data = parse_certificate(fixture().certificate);
    for (auto _ : state) benchmark::DoNotOptimize(bls12_381::g1_decompress(data.signature));
}
BENCHMARK(BM_G1DecompressAndCheck)->Unit(benchmark::kMicrosecond);

void BM_HashToG1(benchmark::State& state) {
    const Bytes message = state_root_message(parse_certificate(fixture().certificate).tree);
    for (auto _ : state) benchmark::DoNotOptimize(bls12_381::hash_to_g1(message, view(bls_dst)));
}
BENCHMARK(BM_HashToG1)->Unit(benchmark::kMicrosecond);

void BM_TwoMillerLoops(benchmark::State& state) {
    using namespace bls12_381;
    const std::array<PairingInput, 2> pairs{PairingInput{g1_generator(), g2_generator()},
                                            PairingInput{-g1_generator(), g2_generator()}};
    for (auto _ : state) benchmark::DoNotOptimize(miller_loop(pairs));
}
BENCHMARK(BM_TwoMillerLoops)->Unit(benchmark::kMicrosecond);

void BM_FinalExponentiation(benchmark::State& state) {
    using namespace bls12_381;
    const std::array<PairingInput, 1> pair{PairingInput{g1_generator(), g2_generator()}};
    const Fp12 f = miller_loop(pair);
    for (auto _ : state) benchmark::DoNotOptimize(final_exponentiation(f));
}
BENCHMARK(BM_FinalExponentiation)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
