#pragma once

// Captures what a subcommand prints: while one of these lives, std::cout and std::cerr write into
// strings the test can read, and the streams are put back when it goes out of scope.

#include <iostream>
#include <sstream>
#include <string>

namespace heregoes::cli::testing {

class captured_output {
public:
    captured_output()
        : old_out_(std::cout.rdbuf(out_.rdbuf()))
        , old_err_(std::cerr.rdbuf(err_.rdbuf())) {}
    ~captured_output() {
        std::cout.rdbuf(old_out_);
        std::cerr.rdbuf(old_err_);
    }
    captured_output(const captured_output&) = delete;
    captured_output& operator=(const captured_output&) = delete;

    // What was written to std::cout so far.
    std::string out() const { return out_.str(); }
    // What was written to std::cerr so far.
    std::string err() const { return err_.str(); }

private:
    std::ostringstream out_;
    std::ostringstream err_;
    std::streambuf* old_out_;
    std::streambuf* old_err_;
};

} // namespace heregoes::cli::testing
