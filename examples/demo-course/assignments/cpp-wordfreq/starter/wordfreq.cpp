// The k most frequent words of a text. Read the README, then fix the TODOs.
#include <iostream>
#include <map>
#include <string>

int main() {
    std::size_t k = 0;
    if (!(std::cin >> k)) return 1;
    std::map<std::string, long> count;
    std::string word;
    // TODO: a word is a run of letters; punctuation and digits separate words,
    //       and "The" and "the" are the same word.
    while (std::cin >> word) ++count[word];
    // TODO: print the most frequent words first (ties in alphabetical order).
    std::size_t printed = 0;
    for (const auto &entry : count) {
        if (printed++ == k) break;
        std::cout << entry.first << ' ' << entry.second << '\n';
    }
    return 0;
}
