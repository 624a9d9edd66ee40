#include "ic/transport.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "ic/error.hpp"
#include "keep_alive_server.hpp"

namespace {

// A loopback HTTP server that answers each connection with the next scripted reply, so the
// retry rules can be checked against real sockets. An empty reply closes the connection unanswered.
class ScriptedServer {
public:
    explicit ScriptedServer(std::vector<std::string> replies) : replies_(std::move(replies)) {
        fd_ = listen_on_loopback(port_);
        thread_ = std::thread([this] { serve(); });
    }
    ~ScriptedServer() {
        shutdown(fd_, SHUT_RDWR);
        close(fd_);
        thread_.join();
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    int connections() const { return connections_; }
    const std::string& last_request() const { return last_request_; }

private:
    void serve() {
        for (const auto& reply : replies_) {
            int client = accept(fd_, nullptr, nullptr);
            if (client < 0) return;
            ++connections_;
            std::string request;
            char buf[4096];
            // Read headers and the announced body.
            while (request.find("\r\n\r\n") == std::string::npos) {
                ssize_t n = read(client, buf, sizeof buf);
                if (n <= 0) break;
                request.append(buf, static_cast<std::size_t>(n));
            }
            auto cl = request.find("Content-Length: ");
            if (cl != std::string::npos) {
                std::size_t want = std::stoul(request.substr(cl + 16));
                std::size_t have = request.size() - (request.find("\r\n\r\n") + 4);
                while (have < want) {
                    ssize_t n = read(client, buf, sizeof buf);
                    if (n <= 0) break;
                    request.append(buf, static_cast<std::size_t>(n));
                    have += static_cast<std::size_t>(n);
                }
            }
            last_request_ = request;
            if (!reply.empty()) {
                ssize_t ignored = write(client, reply.data(), reply.size());
                (void)ignored;
            }
            close(client);
        }
    }

    std::vector<std::string> replies_;
    int fd_ = -1;
    int port_ = 0;
    std::thread thread_;
    std::atomic<int> connections_{0};
    std::string last_request_;
};

std::string http(int status, const std::string& body) {
    return "HTTP/1.1 " + std::to_string(status) +
           " X\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n\r\n" + body;
}

ic::TransportOptions fast() {
    ic::TransportOptions options;
    options.initial_backoff = std::chrono::milliseconds(1);
    options.max_backoff = std::chrono::milliseconds(2);
    options.max_attempts = 4;
    options.request_timeout = std::chrono::milliseconds(5000);
    return options;
}

TEST(Transport, RetriesOverloadAndServerErrorsThenSucceeds) {
    ScriptedServer server({http(429, ""), http(503, ""), http(200, "ok")});
    ic::Transport transport(server.url(), fast());
    ic::Bytes body{0xd9, 0xd9, 0xf7};
    auto response = transport.post_cbor("/api/v4/canister/aaaaa-aa/call", body);
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body_text(), "ok");
    EXPECT_EQ(server.connections(), 3);
    EXPECT_NE(server.last_request().find("Content-Type: application/cbor"), std::string::npos);
}

TEST(Transport, RetriesDroppedConnections) {
    ScriptedServer server({"", "", http(200, "ok")});
    ic::Transport transport(server.url(), fast());
    EXPECT_EQ(transport.get("/api/v2/status").status, 200);
    EXPECT_EQ(server.connections(), 3);
}

TEST(Transport, DoesNotRetryClientErrors) {
    ScriptedServer server({http(400, "Invalid request expiry: too far"), http(200, "")});
    ic::Transport transport(server.url(), fast());
    auto response = transport.get("/x");
    EXPECT_EQ(response.status, 400);
    EXPECT_EQ(server.connections(), 1);
}

TEST(Transport, GivesUpAfterBoundedAttemptsWithANetworkError) {
    ScriptedServer server({"", "", "", ""});
    ic::Transport transport(server.url(), fast());
    try {
        transport.get("/api/v2/status");
        FAIL() << "no error after repeated drops";
    } catch (const ic::Error& e) {
        EXPECT_EQ(e.kind(), ic::ErrorKind::Network);
        EXPECT_NE(std::string(e.what()).find("after 4 attempts"), std::string::npos) << e.what();
    }
    EXPECT_EQ(server.connections(), 4);
}

TEST(Transport, ReturnsTheLastServerErrorWhenRetriesRunOut) {
    ScriptedServer server({http(503, ""), http(503, ""), http(503, ""), http(503, "busy")});
    ic::Transport transport(server.url(), fast());
    auto response = transport.get("/x");
    EXPECT_EQ(response.status, 503);
    EXPECT_EQ(response.body_text(), "busy");
}

TEST(Transport, RefusesPlainHttpBeyondLoopback) {
    EXPECT_THROW(ic::Transport("http://icp-api.io"), ic::Error);
    EXPECT_THROW(ic::Transport("http://10.0.0.1:4943"), ic::Error);
    EXPECT_NO_THROW(ic::Transport("http://127.0.0.1:4943"));
    EXPECT_NO_THROW(ic::Transport("http://localhost:4943/"));
    EXPECT_NO_THROW(ic::Transport("http://[::1]:4943"));
    EXPECT_NO_THROW(ic::Transport("https://icp-api.io"));
}

TEST(Transport, RejectsMalformedUrls) {
    EXPECT_THROW(ic::Transport("icp-api.io"), ic::Error);
    EXPECT_THROW(ic::Transport("ftp://127.0.0.1"), ic::Error);
    EXPECT_THROW(ic::Transport("https://icp-api.io/api"), ic::Error);
    EXPECT_THROW(ic::Transport("https://user@icp-api.io"), ic::Error);
}

TEST(Transport, SendsLargeBodiesWithoutWaitingForContinue) {
    // Over 1 MiB libcurl would send "Expect: 100-continue" and wait up to a second for the
    // interim answer, which this server (like many) never sends.
    ScriptedServer server({http(200, "ok")});
    ic::Transport transport(server.url(), fast());
    std::vector<std::uint8_t> body(1'500'000, 0x2a);
    auto started = std::chrono::steady_clock::now();
    auto response = transport.post_cbor("/api/v4/canister/aaaaa-aa/call", body);
    auto elapsed = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(server.last_request().find("Expect:"), std::string::npos);
    EXPECT_EQ(server.last_request().find("100-continue"), std::string::npos);
    EXPECT_LT(elapsed, std::chrono::milliseconds(900));
}

TEST(Transport, KnowsLoopbackHosts) {
    EXPECT_TRUE(ic::is_loopback_host("127.0.0.1"));
    EXPECT_TRUE(ic::is_loopback_host("127.1.2.3"));
    EXPECT_TRUE(ic::is_loopback_host("localhost"));
    EXPECT_TRUE(ic::is_loopback_host("::1"));
    EXPECT_FALSE(ic::is_loopback_host("127.0.0.1.example.com"));
    EXPECT_FALSE(ic::is_loopback_host("128.0.0.1"));
    EXPECT_FALSE(ic::is_loopback_host("icp-api.io"));
}

}  // namespace

TEST(Transport, ForksReuseTheConnectionsOfOnePool) {
    KeepAliveServer server("ok");
    ic::Transport transport(server.url(), fast());
    EXPECT_EQ(transport.get("/api/v2/status").body_text(), "ok");
    ic::Transport fork = transport.fork();
    EXPECT_EQ(fork.get("/api/v2/status").body_text(), "ok");
    EXPECT_EQ(fork.fork().get("/api/v2/status").body_text(), "ok");
    EXPECT_EQ(server.requests(), 3);
    EXPECT_EQ(server.connections(), 1) << "a fork opened a connection of its own";
}

TEST(Transport, ForksInFlightTogetherEachTakeAConnection) {
    KeepAliveServer server("ok");
    ic::Transport transport(server.url(), fast());
    std::vector<ic::Transport> forks;
    for (int i = 0; i < 3; ++i) forks.push_back(transport.fork());
    std::vector<std::thread> threads;
    for (auto& fork : forks) {
        threads.emplace_back([&fork] { EXPECT_EQ(fork.get("/x").body_text(), "ok"); });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(server.requests(), 3);
    EXPECT_GE(server.connections(), 1);
    // Afterwards the pool serves a new fork from what the wave opened.
    int opened = server.connections();
    EXPECT_EQ(transport.fork().get("/x").body_text(), "ok");
    EXPECT_EQ(server.connections(), opened);
}
